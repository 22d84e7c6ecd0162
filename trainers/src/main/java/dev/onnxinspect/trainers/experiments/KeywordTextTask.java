package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.train.Permutations;
import dev.onnxinspect.trainers.train.TokenData;
import java.util.SplittableRandom;

/**
 * A synthetic text classification task that a small embedding + masked-mean network learns in seconds: the class
 * of a sequence is the keyword group that occurs in it most often.
 *
 * <p>Token ids (vocabulary size V = 1 + K k + fillerTokens + oodTokens):
 * <ul>
 *   <li>0: padding, only at positions with mask 0;</li>
 *   <li>keywords: the k ids {@code 1 + c k .. (c + 1) k} form the group of class c (c = 0..K-1);</li>
 *   <li>filler: the next {@code fillerTokens} ids, carrying no class;</li>
 *   <li>out-of-distribution: the last {@code oodTokens} ids, never in the in-distribution data.</li>
 * </ul>
 * An in-distribution sequence ({@link #generate}) has a length L uniform in [minLength, maxLength] and is padded
 * with id 0 and mask 0 to maxLength. Its class c is uniform in [0, K); the group of c occurs m times with m uniform
 * in [1, min(3, minLength)], every other group (in class order) u times with u uniform in [0, m - 1] but at most
 * what the L positions still hold; each occurrence is a uniform keyword of its group, the other positions uniform
 * filler, and the L tokens are shuffled (Fisher-Yates). So the class is always the one group that occurs strictly
 * most often ({@link #classOf}). Out-of-distribution sequences ({@link #generateOod}) have the same lengths and
 * padding and consist of uniform out-of-distribution ids only; they carry no label.
 *
 * <p>Choice: every draw comes from one {@link SplittableRandom}(seed) in the order: per sample L, c, m, the other
 * groups' counts, the L tokens, the shuffle. Never change that order, or every seeded data set changes.
 *
 * @param numClasses       K &gt;= 2
 * @param keywordsPerClass k &gt;= 1, the size of each keyword group
 * @param fillerTokens     &gt;= 1 filler ids
 * @param oodTokens        &gt;= 1 out-of-distribution ids
 * @param minLength        the shortest sequence, &gt;= 1
 * @param maxLength        the longest sequence and the padded length, &gt;= minLength
 */
public record KeywordTextTask(
        int numClasses, int keywordsPerClass, int fillerTokens, int oodTokens, int minLength, int maxLength) {
    /** 3 classes of 4 keywords, 25 filler and 12 out-of-distribution ids (V = 50), lengths 4 to 12. */
    public static final KeywordTextTask DEFAULT = new KeywordTextTask(3, 4, 25, 12, 4, 12);

    private static final int MAX_KEYWORD_COUNT = 3;

    public KeywordTextTask {
        if (numClasses < 2 || keywordsPerClass < 1 || fillerTokens < 1 || oodTokens < 1) {
            throw new TrainingException("keyword task: expected >= 2 classes and >= 1 keyword per class, filler id "
                    + "and out-of-distribution id, got " + numClasses + ", " + keywordsPerClass + ", " + fillerTokens
                    + ", " + oodTokens);
        }
        if (minLength < 1 || maxLength < minLength) {
            throw new TrainingException(
                    "keyword task: expected 1 <= minLength <= maxLength, got " + minLength + " and " + maxLength);
        }
    }

    /** V, the number of token ids, padding included. */
    public int vocabSize() {
        return 1 + numClasses * keywordsPerClass + fillerTokens + oodTokens;
    }

    /** The first filler id (the keywords are 1 to this - 1). */
    public int firstFiller() {
        return 1 + numClasses * keywordsPerClass;
    }

    /** The first out-of-distribution id (the filler ids end just before). */
    public int firstOod() {
        return firstFiller() + fillerTokens;
    }

    /** The keyword group of a token id, or -1 when the id is not a keyword. */
    public int groupOf(long id) {
        return id >= 1 && id < firstFiller() ? (int) ((id - 1) / keywordsPerClass) : -1;
    }

    /**
     * The class the task's rule gives a sequence: the keyword group occurring most often at the positions with
     * mask 1, or -1 when no group does strictly most often (a tie, or no keyword).
     */
    public int classOf(long[] ids, long[] mask) {
        if (ids.length != mask.length) {
            throw new TrainingException(
                    "expected as many mask values as ids, got " + mask.length + " and " + ids.length);
        }
        int[] counts = new int[numClasses];
        for (int t = 0; t < ids.length; t++) {
            int group = mask[t] == 1 ? groupOf(ids[t]) : -1;
            if (group >= 0) {
                counts[group]++;
            }
        }
        int best = -1;
        int bestCount = 0;
        boolean tie = false;
        for (int c = 0; c < numClasses; c++) {
            if (counts[c] > bestCount) {
                best = c;
                bestCount = counts[c];
                tie = false;
            } else if (counts[c] == bestCount && bestCount > 0) {
                tie = true;
            }
        }
        return tie ? -1 : best;
    }

    /** n labelled in-distribution sequences drawn with {@code seed}. */
    public TokenData generate(int n, long seed) {
        requireCount(n);
        SplittableRandom random = new SplittableRandom(seed);
        long[][] ids = new long[n][];
        long[][] mask = new long[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int length = length(random);
            int label = random.nextInt(numClasses);
            int[] counts = new int[numClasses];
            counts[label] = 1 + random.nextInt(Math.min(MAX_KEYWORD_COUNT, minLength));
            int used = counts[label];
            for (int c = 0; c < numClasses; c++) {
                if (c != label) {
                    counts[c] = Math.min(random.nextInt(counts[label]), length - used);
                    used += counts[c];
                }
            }
            long[] tokens = new long[length];
            int t = 0;
            for (int c = 0; c < numClasses; c++) {
                for (int j = 0; j < counts[c]; j++) {
                    tokens[t++] = 1 + (long) c * keywordsPerClass + random.nextInt(keywordsPerClass);
                }
            }
            while (t < length) {
                tokens[t++] = firstFiller() + (long) random.nextInt(fillerTokens);
            }
            shuffle(tokens, random);
            ids[i] = padded(tokens);
            mask[i] = maskOf(length);
            labels[i] = label;
        }
        return TokenData.labelled(ids, mask, labels, numClasses);
    }

    /** n unlabelled out-of-distribution sequences (out-of-distribution ids only) drawn with {@code seed}. */
    public TokenData generateOod(int n, long seed) {
        requireCount(n);
        SplittableRandom random = new SplittableRandom(seed);
        long[][] ids = new long[n][];
        long[][] mask = new long[n][];
        for (int i = 0; i < n; i++) {
            int length = length(random);
            long[] tokens = new long[length];
            for (int t = 0; t < length; t++) {
                tokens[t] = firstOod() + (long) random.nextInt(oodTokens);
            }
            ids[i] = padded(tokens);
            mask[i] = maskOf(length);
        }
        return TokenData.unlabelled(ids, mask);
    }

    private int length(SplittableRandom random) {
        return minLength + random.nextInt(maxLength - minLength + 1);
    }

    private long[] padded(long[] tokens) {
        long[] row = new long[maxLength];
        System.arraycopy(tokens, 0, row, 0, tokens.length);
        return row;
    }

    private long[] maskOf(int length) {
        long[] row = new long[maxLength];
        for (int t = 0; t < length; t++) {
            row[t] = 1;
        }
        return row;
    }

    /** Shuffles in place with {@link Permutations#random} (the same Fisher-Yates draws applied to the values). */
    private static void shuffle(long[] values, SplittableRandom random) {
        int[] order = Permutations.random(values.length, random);
        long[] original = values.clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = original[order[i]];
        }
    }

    private static void requireCount(int n) {
        if (n < 1) {
            throw new TrainingException("expected at least 1 sequence, got " + n);
        }
    }
}
