from still.cli import main

main()
