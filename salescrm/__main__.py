from salescrm.cli.launch import main

main()
