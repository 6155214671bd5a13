"""Market rules as functions of arrays and a random stream, testable without a model."""
