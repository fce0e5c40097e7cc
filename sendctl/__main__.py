from sendctl.cli import main

main()
