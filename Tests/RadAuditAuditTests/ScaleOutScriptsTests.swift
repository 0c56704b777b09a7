import Foundation
import Testing
import Yams

private let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The Kubernetes manifests are not run here (no cluster): their structure is checked instead, against what the
/// batch/v1 Job schema requires and what a sharded audit needs.
@Test func theKubernetesIndexedJobShardsTheAuditAndTheMergeJobJoinsIt() throws {
    let text = try String(contentsOf: repository.appendingPathComponent("scripts/k8s/audit-indexed-job.yaml"), encoding: .utf8)
    let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    #expect(documents.count == 2)
    for document in documents {
        #expect(document["apiVersion"] as? String == "batch/v1")
        #expect(document["kind"] as? String == "Job")
        let metadata = try #require(document["metadata"] as? [String: Any])
        #expect(metadata["name"] is String)
    }
    func spec(_ document: [String: Any]) throws -> [String: Any] { try #require(document["spec"] as? [String: Any]) }
    func container(_ document: [String: Any]) throws -> [String: Any] {
        let template = try #require(try spec(document)["template"] as? [String: Any])
        let podSpec = try #require(template["spec"] as? [String: Any])
        #expect(podSpec["restartPolicy"] as? String == "Never")
        let containers = try #require(podSpec["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        return containers[0]
    }
    func environment(_ container: [String: Any]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (container["env"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["name"] as? String).map { ($0, entry["value"] as? String ?? "") }
        })
    }
    let audit = documents[0], merge = documents[1]
    let auditSpec = try spec(audit)
    #expect(auditSpec["completionMode"] as? String == "Indexed")
    let shards = try #require(Int(environment(try container(audit))["SHARDS"] ?? ""))
    #expect(auditSpec["completions"] as? Int == shards)
    #expect(environment(try container(merge))["SHARDS"] == String(shards))
    let auditCommand = ((try container(audit))["args"] as? [String] ?? []).joined(separator: " ")
    for piece in ["radaudit audit", "JOB_COMPLETION_INDEX + 1", "--shard", "/$SHARDS", "--resume"] {
        #expect(auditCommand.contains(piece), "audit command lacks \(piece)")
    }
    let mergeCommand = ((try container(merge))["args"] as? [String] ?? []).joined(separator: " ")
    #expect(mergeCommand.contains("radaudit merge") && mergeCommand.contains("shard-$i"))
    // The two Jobs share the volume the shards are written to.
    let claims = try documents.map { document -> String? in
        let template = try #require(try spec(document)["template"] as? [String: Any])
        let volumes = (template["spec"] as? [String: Any])?["volumes"] as? [[String: Any]]
        return (volumes?.first?["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String
    }
    #expect(claims[0] != nil && claims[0] == claims[1])
}

/// The Slurm scripts run under a real Slurm in `scripts/slurm/test-local-cluster.sh` (`.ci/run` with
/// `RADAUDIT_SLURM_TEST=1`); here only that they are what the cluster test and the docs say.
@Test func theSlurmArrayShardsByTaskAndResumes() throws {
    let script = try String(contentsOf: repository.appendingPathComponent("scripts/slurm/audit-array.sbatch"), encoding: .utf8)
    for piece in ["#SBATCH --requeue", "SLURM_ARRAY_TASK_ID + 1", "--shard \"$SHARD/$SHARDS\"", "--jobs \"${SLURM_CPUS_PER_TASK:-1}\"",
                  "--resume"] {
        #expect(script.contains(piece), "audit-array.sbatch lacks \(piece)")
    }
    let submit = try String(contentsOf: repository.appendingPathComponent("scripts/slurm/submit-audit.sh"), encoding: .utf8)
    #expect(submit.contains("--dependency=afterok:"))
}
