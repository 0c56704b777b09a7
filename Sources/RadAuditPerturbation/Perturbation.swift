// Placeholder so the target builds; replaced by the perturbation engine.
enum PerturbationPlaceholder {}
