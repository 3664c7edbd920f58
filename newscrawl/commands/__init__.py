"""Sub-commands of ``newscrawl``; each module has ``add_arguments(parser)`` and ``run(args)``."""
