import Dispatch
import Foundation

/// Turns SIGINT into a flag the training loop checks after each step (so it can save and exit
/// cleanly). A second SIGINT while the flag is set restores the default action.
final class InterruptFlag: @unchecked Sendable {
    private var source: DispatchSourceSignal?
    private let lock = NSLock()
    private var flag = false

    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return flag }

    static func install() -> InterruptFlag {
        let f = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler { [weak f] in
            guard let f else { return }
            f.lock.lock()
            let second = f.flag
            f.flag = true
            f.lock.unlock()
            if second { signal(SIGINT, SIG_DFL); raise(SIGINT) }
            FileHandle.standardError.write(Data("\nSIGINT: finishing this step, saving a checkpoint, then stopping (press again to abort)\n".utf8))
        }
        s.resume()
        f.source = s
        return f
    }

    func uninstall() {
        source?.cancel()
        source = nil
        signal(SIGINT, SIG_DFL)
    }
}
