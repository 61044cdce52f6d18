from salescrm.cli.main import main

main()
