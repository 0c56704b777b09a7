import RadAuditFeatures
// Extraction pipeline: protocol → preprocessing → features (in progress).
