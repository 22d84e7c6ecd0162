package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StudiesTest {
    @Test
    void namesAreUniqueAndFound() {
        assertThat(Studies.ALL).extracting(Study::name).doesNotHaveDuplicates();
        assertThat(Studies.ALL).extracting(Study::name).contains("frequencies-kl", "randomization", "overfitting");
        assertThat(Studies.named("randomization")).containsInstanceOf(RandomizationStudy.class);
        assertThat(Studies.named("nope")).isEmpty();
    }

    @Test
    void supportedCountCountsOnlySupportedClaims() {
        StudyPage page = StudyPage.create("t", "s")
                .claim(new Claim("a", "1", Verdict.SUPPORTED, "r"))
                .claim(new Claim("b", "2", Verdict.NOT_SUPPORTED, "r"))
                .claim(new Claim("c", "3", Verdict.INCONCLUSIVE, "r"));
        assertThat(Studies.supportedCount(page)).isEqualTo("1 of 3 claims supported");
    }
}
