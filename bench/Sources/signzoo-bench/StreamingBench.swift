// Streaming benchmark (corpora issue): call `runStreamingBench()` from main.swift.
//
// (a) Shard-pack streaming. A synthetic corpus of 10,000 random clips (64–256 frames, mslu-79, 79 points,
//     frame size 1920×1080) is packed for real (≈0.76 GB of float16 shards). The "1,000,000-clip corpus" is
//     an index of 1,000,000 entries written by `ShardPackWriter.appendReference`: entry i points at clip
//     i mod 10,000 of the 10k pack's shards (a real 1M-clip pack would be ≈76 GB). Every entry has its own
//     id and metadata, and the reader runs exactly the same code over 1M records (open-time checks of every
//     record, block shuffle, windows, bucketing, prefetch, checksum verification and float16 decoding of
//     every clip it returns); only the keypoint bytes repeat, so the kernel's page cache serves them.
//     Peak RSS is the process's VmHWM, reset (/proc/self/clear_refs) before each measured run.
//     Runs: a full epoch of each corpus (decode only), then Uni-Sign normalization (SignPose
//     Preprocessing.normalize) on the first `normalizedClips` clips of an epoch of each.
// (b) `.pose` reading: SignPose PoseFormat.read vs Python pose-format `Pose.read(open(f, "rb").read())` on the
//     same files (Tests/Fixtures/pose, and ../shared/data/unlabelled when present), same run, MB/s and ratio.
//
// Environment: SIGNZOO_BENCH_DIR (scratch folder, default $TMPDIR/signzoo-stream-bench; removed at the end
// unless SIGNZOO_BENCH_KEEP=1, and reused when it already holds the corpora), SIGNZOO_BENCH_NORMALIZED
// (clips per normalization run, default 20000), SIGNZOO_BENCH_DECODE_THREADS (default 2).
import Foundation
import SignPose
import SignTensor

private func streamNow() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Peak resident set (VmHWM) and current RSS in MiB, from /proc/self/status.
private func memoryMiB() -> (peak: Double, current: Double) {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    func field(_ name: String) -> Double {
        guard let line = s.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return (field("VmHWM"), field("VmRSS"))
}

/// glibc `malloc_trim(0)` (looked up at run time: the Glibc module does not export it); no-op elsewhere.
private func trimMalloc() {
    guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "malloc_trim") else { return }
    _ = unsafeBitCast(sym, to: (@convention(c) (Int) -> Int32).self)(0)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0).
private func resetPeakRSS() -> Bool {
    guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? h.close() }
    return (try? h.write(contentsOf: Data("5".utf8))) != nil
}

private struct StreamRun {
    var label: String
    var clips = 0
    var frames = 0
    var seconds = 0.0
    var peakMiB = 0.0
    var startMiB = 0.0
}

private func streamEpoch(_ pack: ShardPack, label: String, maxClips: Int, normalize: Bool, threads: Int) throws -> StreamRun {
    var run = StreamRun(label: label)
    trimMalloc()   // return what earlier runs freed, so every run starts from the same baseline
    let measured = resetPeakRSS()
    run.startMiB = memoryMiB().current
    let options = StreamOptions(seed: 7, batching: .clips(32), prefetchBatches: 4, decodeThreads: threads)
    let transform = normalize ? CorpusStream.uniSignNormalization(layout: pack.layout) : nil
    let t0 = streamNow()
    let stream = try CorpusStream(pack: pack, options: options, epoch: 0, transform: transform)
    var checksum: Float = 0
    while run.clips < maxClips, let batch = try stream.next() {
        for c in batch.clips {
            run.clips += 1
            run.frames += c.frames
            checksum += c.values[c.values.count / 2]
        }
    }
    stream.cancel()
    run.seconds = streamNow() - t0
    run.peakMiB = measured ? memoryMiB().peak : Double.nan
    if !checksum.isFinite { print("  (non-finite checksum)") }
    return run
}

/// Writes the 10k-clip pack: random clips of 64–256 frames.
private func buildSyntheticPack(at dir: String, clips: Int, layout: PoseLayout) throws {
    let writer = try ShardPackWriter(directory: dir, layout: layout, shardBytes: 256 << 20)
    var rng = RandomStream(seed: 2024)
    let P = layout.pointCount
    var values = [Float]()
    for i in 0..<clips {
        let frames = 64 + rng.int(193)
        values = [Float](repeating: 0, count: frames * P * 3)
        values.withUnsafeMutableBufferPointer { v in
            for k in 0..<(frames * P) {
                v[3 * k] = 200 + 1500 * rng.uniform()
                v[3 * k + 1] = 100 + 900 * rng.uniform()
                v[3 * k + 2] = rng.uniform()
            }
        }
        try writer.append(values: values, frames: frames, metadata: ClipMetadata(
            id: "synthetic-\(i)", text: i % 2 == 0 ? "synthetic sentence \(i)" : nil, language: "xx",
            label: "class\(i % 100)", split: i % 10 == 0 ? "dev" : "train", fps: 25, width: 1920, height: 1080))
    }
    try writer.finish()
}

/// Writes the 1M-entry index whose entry i references clip i mod 10k of `base`.
private func buildReferenceIndex(at dir: String, base: ShardPack, entries: Int) throws {
    let writer = try ShardPackWriter(directory: dir, layout: base.layout)
    for i in 0..<entries {
        let j = i % base.count
        var m = try base.metadata(try base.record(j), clip: j)
        m.id = "ref-\(i)-of-\(m.id)"
        try writer.appendReference(to: base, clip: j, metadata: m)
    }
    try writer.finish()
}

private func readyPack(_ dir: String, clips: Int) -> ShardPack? {
    guard let p = try? ShardPack(directory: dir), p.count == clips else { return nil }
    return p
}

public func runStreamingBench() throws {
    print("\n== Streaming: shard packs (synthetic, mslu-79) ==")
    let env = ProcessInfo.processInfo.environment
    let root = env["SIGNZOO_BENCH_DIR"] ?? (NSTemporaryDirectory() + "signzoo-stream-bench")
    let keep = env["SIGNZOO_BENCH_KEEP"] == "1"
    let normalizedClips = Int(env["SIGNZOO_BENCH_NORMALIZED"] ?? "") ?? 20_000
    let threads = Int(env["SIGNZOO_BENCH_DECODE_THREADS"] ?? "") ?? 2
    let layout = try PoseLayouts.named("mslu-79")
    let small = root + "/corpus-10k", large = root + "/corpus-1m"
    var t0 = streamNow()
    let base: ShardPack
    if let p = readyPack(small, clips: 10_000) { base = p; print("reusing \(small)") } else {
        try buildSyntheticPack(at: small, clips: 10_000, layout: layout)
        base = try ShardPack(directory: small)
        print(String(format: "packed 10,000 random clips (%d frames, %.0f MiB in %d shards) in %.1f s",
                     base.header.frames, Double(base.totalBytes) / 1_048_576, base.header.shards.count, streamNow() - t0))
    }
    t0 = streamNow()
    if readyPack(large, clips: 1_000_000) == nil {
        try buildReferenceIndex(at: large, base: base, entries: 1_000_000)
        print(String(format: "wrote a 1,000,000-entry index referencing the 10k pack's shards (entry i → clip i mod 10,000) in %.1f s", streamNow() - t0))
    }
    t0 = streamNow()
    let big = try ShardPack(directory: large)
    print(String(format: "opened the 1M index (every record checked) in %.2f s; index %.0f MiB on disk; 1M clips would be ≈%.0f GB as real shards",
                 streamNow() - t0, Double(big.header.index.bytes) / 1_048_576, Double(base.totalBytes) * 100 / 1e9))
    print("decode threads \(threads), batches of 32 clips, prefetch 4, shuffle window 256 × 32 clips, bucketing on")

    // Warm-up (threads, lazily built tables), not reported.
    _ = try streamEpoch(base, label: "warm-up", maxClips: 2_000, normalize: true, threads: threads)
    var runs: [StreamRun] = []
    runs.append(try streamEpoch(base, label: "10k, full epoch, decode", maxClips: .max, normalize: false, threads: threads))
    runs.append(try streamEpoch(big, label: "1M, full epoch, decode", maxClips: .max, normalize: false, threads: threads))
    runs.append(try streamEpoch(base, label: "10k, full epoch, decode (again)", maxClips: .max, normalize: false, threads: threads))
    runs.append(try streamEpoch(base, label: "10k, Uni-Sign normalization", maxClips: normalizedClips, normalize: true, threads: threads))
    runs.append(try streamEpoch(big, label: "1M, Uni-Sign normalization", maxClips: normalizedClips, normalize: true, threads: threads))
    print("run                                  clips      frames     s       clips/s   Mframes/s  RSS start  peak RSS (MiB)")
    for r in runs {
        print(r.label.padding(toLength: 37, withPad: " ", startingAt: 0) + String(format: "%-10d %-10d %-7.1f %-9.0f %-10.2f %-10.1f %.1f", r.clips, r.frames, r.seconds,
                     Double(r.clips) / r.seconds, Double(r.frames) / r.seconds / 1e6, r.startMiB, r.peakMiB))
    }
    let ratio = runs[1].peakMiB / max(runs[0].peakMiB, runs[2].peakMiB)
    let normRatio = runs[4].peakMiB / runs[3].peakMiB
    print(String(format: "peak RSS 1M / 10k: %.3f (decode), %.3f (normalization)  [target ≤ 1.1]", ratio, normRatio))

    try runPoseReadBench()
    if !keep { try? FileManager.default.removeItem(atPath: root) }
}

/// (b) `.pose` read throughput, Swift vs Python pose-format, on the same files in the same run.
private func runPoseReadBench() throws {
    print("\n== .pose read: SignPose PoseFormat.read vs Python pose-format Pose.read ==")
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    var sets: [(String, [String])] = []
    func poseFiles(_ dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        return (e.allObjects as? [String] ?? []).filter { $0.hasSuffix(".pose") }.sorted().map { dir + "/" + $0 }
    }
    sets.append(("Tests/Fixtures/pose", poseFiles(repo + "/Tests/Fixtures/pose")))
    // The shared data beside the repository ($SIGNZOO_SHARED, else ../shared), when present.
    let shared = ProcessInfo.processInfo.environment["SIGNZOO_SHARED"] ?? (repo as NSString).deletingLastPathComponent + "/shared"
    let unlabelled = poseFiles(shared + "/data/unlabelled")
    if !unlabelled.isEmpty { sets.append(("../shared/data/unlabelled", unlabelled)) }
    print("set                              files  MB      Swift MB/s  Python MB/s  Swift/Python")
    for (name, files) in sets where !files.isEmpty {
        let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        // Swift: repeat the whole set until ≥ 1 s, best pass.
        var best = Double.infinity, elapsed = 0.0, passes = 0
        while elapsed < 1 || passes < 3 {
            let t = streamNow()
            var frames = 0
            for f in files { frames += try PoseFormat.read(f).frameCount }
            let dt = streamNow() - t
            best = min(best, dt); elapsed += dt; passes += 1
            if frames == 0 { print("  (no frames read)") }
        }
        let swiftMBs = Double(bytes) / 1e6 / best
        let python = pythonPoseRead(files)
        let pyText = python.map { String(format: "%-12.1f %.2f×", $0, swiftMBs / $0) } ?? "unavailable (python3 with pose_format not found)"
        print(name.padding(toLength: 33, withPad: " ", startingAt: 0) + String(format: "%-6d %-7.1f %-11.1f ", files.count, Double(bytes) / 1e6, swiftMBs) + pyText)
    }
}

/// Python pose-format MB/s on `files` (best pass of ≥ 1 s), or nil when python3/pose_format is missing.
private func pythonPoseRead(_ files: [String]) -> Double? {
    let script = """
    import sys, time, os
    from pose_format import Pose
    files = sys.stdin.read().split("\\n")
    files = [f for f in files if f]
    total = sum(os.path.getsize(f) for f in files)
    best, elapsed, passes = float("inf"), 0.0, 0
    while elapsed < 1.0 or passes < 3:
        t = time.perf_counter()
        for f in files:
            with open(f, "rb") as h:
                Pose.read(h.read())
        dt = time.perf_counter() - t
        best = min(best, dt); elapsed += dt; passes += 1
    print(total / 1e6 / best)
    """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    input.fileHandleForWriting.write(Data(files.joined(separator: "\n").utf8))
    try? input.fileHandleForWriting.close()
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    return Double(out.trimmingCharacters(in: .whitespacesAndNewlines))
}
