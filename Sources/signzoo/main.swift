import SignZooCLI

SignZooCLI.main(plugins: .builtin)
