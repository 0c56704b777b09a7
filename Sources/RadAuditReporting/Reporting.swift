// Placeholder so the target builds; replaced by the report and provenance writers.
enum ReportingPlaceholder {}
