// Placeholder so the target builds; replaced by the statistics engine.
enum StatisticsPlaceholder {}
