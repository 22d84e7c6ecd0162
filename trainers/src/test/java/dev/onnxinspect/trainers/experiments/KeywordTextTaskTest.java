package dev.onnxinspect.trainers.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.train.TokenData;
import org.junit.jupiter.api.Test;

class KeywordTextTaskTest {
    private static final KeywordTextTask TASK = KeywordTextTask.DEFAULT;

    @Test
    void defaultLayoutOfTheVocabulary() {
        // 1 padding + 3 x 4 keywords + 25 filler + 12 out-of-distribution = 50
        assertThat(TASK.vocabSize()).isEqualTo(50);
        assertThat(TASK.firstFiller()).isEqualTo(13);
        assertThat(TASK.firstOod()).isEqualTo(38);
        assertThat(TASK.groupOf(0)).isEqualTo(-1);
        assertThat(TASK.groupOf(1)).isZero();
        assertThat(TASK.groupOf(4)).isZero();
        assertThat(TASK.groupOf(5)).isEqualTo(1);
        assertThat(TASK.groupOf(12)).isEqualTo(2);
        assertThat(TASK.groupOf(13)).isEqualTo(-1);
    }

    @Test
    void classOfCountsOnlyMaskedInKeywords() {
        // group 1 (ids 5..8) twice, group 0 once -> 1
        assertThat(TASK.classOf(new long[] {5, 2, 8, 20}, new long[] {1, 1, 1, 1}))
                .isEqualTo(1);
        // the second 5 is padding: a tie of groups 0 and 1 -> -1
        assertThat(TASK.classOf(new long[] {5, 2, 5}, new long[] {1, 1, 0})).isEqualTo(-1);
        // no keyword at all -> -1
        assertThat(TASK.classOf(new long[] {20, 30, 40}, new long[] {1, 1, 1})).isEqualTo(-1);
        assertThat(TASK.classOf(new long[] {9}, new long[] {1})).isEqualTo(2);
        assertThatThrownBy(() -> TASK.classOf(new long[] {1}, new long[0])).hasMessageContaining("as many mask");
    }

    @Test
    void generatedSequencesFollowTheRule() {
        TokenData data = TASK.generate(3000, 7);
        int[] perClass = new int[3];
        int[] perLength = new int[13];
        for (int i = 0; i < data.size(); i++) {
            long[] ids = data.ids(i);
            long[] mask = data.mask(i);
            assertThat(ids).hasSize(12);
            int length = 0;
            while (length < 12 && mask[length] == 1) {
                length++;
            }
            perLength[length]++;
            // a prefix of 1s, then padding (id 0, mask 0)
            for (int t = length; t < 12; t++) {
                assertThat(mask[t]).isZero();
                assertThat(ids[t]).isZero();
            }
            // counted here from the layout (keyword id k belongs to group (k - 1) / 4), not with classOf
            int[] counts = new int[3];
            for (int t = 0; t < length; t++) {
                assertThat(ids[t]).isBetween(1L, 37L);
                if (ids[t] <= 12) {
                    counts[(int) (ids[t] - 1) / 4]++;
                }
            }
            int label = data.label(i);
            for (int c = 0; c < 3; c++) {
                if (c != label) {
                    assertThat(counts[c]).as("sample %d", i).isLessThan(counts[label]);
                }
            }
            assertThat(counts[label]).isBetween(1, 3);
            assertThat(TASK.classOf(ids, mask)).isEqualTo(label);
            perClass[label]++;
        }
        // classes uniform (1000 expected each, sd ~26) and every length 4..12 drawn (333 expected each)
        for (int count : perClass) {
            assertThat(count).isBetween(880, 1120);
        }
        for (int length = 4; length <= 12; length++) {
            assertThat(perLength[length]).as("length %d", length).isBetween(250, 420);
        }
        assertThat(perLength[0] + perLength[1] + perLength[2] + perLength[3]).isZero();
    }

    @Test
    void outOfDistributionSequencesUseOnlyTheirOwnIds() {
        TokenData ood = TASK.generateOod(500, 8);
        assertThat(ood.labelled()).isFalse();
        assertThat(ood.maxLength()).isEqualTo(12);
        for (int i = 0; i < ood.size(); i++) {
            long[] ids = ood.ids(i);
            long[] mask = ood.mask(i);
            for (int t = 0; t < 12; t++) {
                if (mask[t] == 1) {
                    assertThat(ids[t]).isBetween(38L, 49L);
                } else {
                    assertThat(ids[t]).isZero();
                }
            }
            assertThat(mask[3]).isEqualTo(1);
        }
        assertThat(ood.maxId()).isEqualTo(49);
    }

    @Test
    void theSeedDecidesTheData() {
        assertThat(TASK.generate(50, 1).paddedIds())
                .isDeepEqualTo(TASK.generate(50, 1).paddedIds());
        assertThat(TASK.generate(50, 1).labels())
                .containsExactly(TASK.generate(50, 1).labels());
        assertThat(TASK.generate(50, 1).paddedIds())
                .isNotEqualTo(TASK.generate(50, 2).paddedIds());
        assertThat(TASK.generateOod(50, 1).paddedIds())
                .isDeepEqualTo(TASK.generateOod(50, 1).paddedIds());
    }

    @Test
    void rejectsImpossibleTasks() {
        assertThatThrownBy(() -> new KeywordTextTask(1, 4, 25, 12, 4, 12)).hasMessageContaining(">= 2 classes");
        assertThatThrownBy(() -> new KeywordTextTask(3, 4, 25, 12, 5, 4))
                .hasMessageContaining("minLength <= maxLength");
        assertThatThrownBy(() -> TASK.generate(0, 1)).hasMessageContaining("at least 1 sequence");
    }
}
