package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.TrainingException;
import org.junit.jupiter.api.Test;

class TokenDataTest {
    private static final long[][] IDS = {{5, 6, 7}, {8}, {9, 9}};
    private static final long[][] MASK = {{1, 1, 0}, {1}, {0, 1}};

    @Test
    void holdsRaggedSequencesAndPadsThemWithZeros() {
        TokenData data = TokenData.labelled(IDS, MASK, new int[] {0, 1, 1}, 2);
        assertThat(data.size()).isEqualTo(3);
        assertThat(data.maxLength()).isEqualTo(3);
        assertThat(data.length(1)).isEqualTo(1);
        assertThat(data.maxId()).isEqualTo(9);
        assertThat(data.paddedIds()).isDeepEqualTo(new long[][] {{5, 6, 7}, {8, 0, 0}, {9, 9, 0}});
        assertThat(data.paddedMask()).isDeepEqualTo(new long[][] {{1, 1, 0}, {1, 0, 0}, {0, 1, 0}});
        long[] ids = {-1, -1, -1, -1, -1};
        long[] mask = {-1, -1, -1, -1, -1};
        data.copyPadded(2, 4, ids, mask, 1);
        assertThat(ids).containsExactly(-1, 9, 9, 0, 0);
        assertThat(mask).containsExactly(-1, 0, 1, 0, 0);
        assertThatThrownBy(() -> data.copyPadded(0, 2, ids, mask, 0)).hasMessageContaining("more than the padded");
        assertThat(data.labels()).containsExactly(0, 1, 1);
        assertThat(data.numClasses()).isEqualTo(2);
        assertThat(data.toString()).isEqualTo("TokenData[3 sequences of up to 3 tokens, 2 classes]");
    }

    @Test
    void copiesInAndOut() {
        long[][] ids = {{1, 2}};
        long[][] mask = {{1, 1}};
        TokenData data = TokenData.unlabelled(ids, mask);
        ids[0][0] = 7;
        mask[0][1] = 0;
        data.ids(0)[1] = 7;
        data.paddedMask()[0][0] = 0;
        assertThat(data.ids(0)).containsExactly(1, 2);
        assertThat(data.mask(0)).containsExactly(1, 1);
    }

    @Test
    void subsetKeepsLabelsInTheGivenOrder() {
        TokenData data = TokenData.labelled(IDS, MASK, new int[] {0, 1, 1}, 2).subset(new int[] {2, 0, 2});
        assertThat(data.paddedIds()).isDeepEqualTo(new long[][] {{9, 9, 0}, {5, 6, 7}, {9, 9, 0}});
        assertThat(data.labels()).containsExactly(1, 0, 1);
        assertThat(TokenData.unlabelled(IDS, MASK).subset(new int[] {1}).labelled())
                .isFalse();
        assertThatThrownBy(() -> data.subset(new int[] {3})).hasMessageContaining("out of range [0, 3)");
    }

    @Test
    void unlabelledDataHasNoLabelsToGive() {
        TokenData data = TokenData.unlabelled(IDS, MASK);
        assertThat(data.labelled()).isFalse();
        assertThatThrownBy(data::labels).isInstanceOf(TrainingException.class).hasMessageContaining("no labels");
        assertThatThrownBy(() -> data.label(0)).hasMessageContaining("no labels");
        assertThatThrownBy(data::numClasses).hasMessageContaining("no labels");
        assertThat(data.toString()).endsWith("unlabelled]");
    }

    @Test
    void rejectsInconsistentData() {
        assertThatThrownBy(() -> TokenData.unlabelled(new long[][] {{1}}, new long[0][]))
                .hasMessageContaining("1 id rows and 0 mask rows");
        assertThatThrownBy(() -> TokenData.unlabelled(new long[][] {{1, 2}}, new long[][] {{1}}))
                .hasMessageContaining("sample 0 has 2 ids and 1 mask values");
        assertThatThrownBy(() -> TokenData.unlabelled(new long[][] {{}}, new long[][] {{}}))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TokenData.unlabelled(new long[][] {{1, -3}}, new long[][] {{1, 1}}))
                .hasMessageContaining("token 1 of sample 0 is -3");
        assertThatThrownBy(() -> TokenData.unlabelled(new long[][] {{1, 3}}, new long[][] {{1, 2}}))
                .hasMessageContaining("expected 0 (padding) or 1 (token)");
        assertThatThrownBy(() -> TokenData.labelled(IDS, MASK, new int[] {0, 1}, 2))
                .hasMessageContaining("one label per sample (3), got 2");
        assertThatThrownBy(() -> TokenData.labelled(IDS, MASK, new int[] {0, 1, 2}, 2))
                .hasMessageContaining("label of sample 2 is 2");
        assertThatThrownBy(() -> TokenData.labelled(IDS, MASK, new int[] {0, 0, 0}, 1))
                .hasMessageContaining("at least 2 classes");
    }
}
