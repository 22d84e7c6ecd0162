package dev.onnxinspect.samples.studies;

import java.util.Objects;

/**
 * One claim of a study as its results page states it: what the study says ({@code statement}, in the study's own
 * terms), what this run measured ({@code measured}, figures formatted by the study, generated from the run, never
 * typed by hand), whether that supports the claim, and how the verdict was decided ({@code rule}, e.g. "supported
 * when the trained network's KL exceeds the untrained one's in every layer").
 */
public record Claim(String statement, String measured, Verdict verdict, String rule) {
    public Claim {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(rule, "rule");
    }
}
