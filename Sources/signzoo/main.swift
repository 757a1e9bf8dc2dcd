import SignZooCLI
SignZooCLI.main()
