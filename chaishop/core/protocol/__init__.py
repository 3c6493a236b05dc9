"""Every message between the kitchen and the front of house, commands included: the index.

Each is a small frozen dataclass defined once, in one module below, and
imported from there (nothing re-exports it).  All of them pickle across the
kitchen's pipe.

    message         module     sent by                          received by
    --------------  ---------  -------------------------------  ------------------------------
    commands: front of house -> kitchen (KitchenCommand)
    StartRun        commands   Kitchen.run (client)             the kitchen's command loop
    CancelRun       commands   Kitchen.cancel                   the kitchen's command loop
    KnockOut        commands   Kitchen.knock_out                the kitchen's command loop
    Quit            commands   Kitchen.close                    the kitchen's command loop
    kitchen -> front of house (KitchenMessage: what Kitchen.poll() returns)
    KitchenReady    kitchen    kitchen_main, once calibrated    Kitchen.wait_ready, UI header
    Note            kitchen    the kitchen (errors, knock-outs) UI toast
    Heartbeat       kitchen    the kitchen's reporter thread    Kitchen.silent_s (never passed on)
    ClusterReady    events     the Dask crew, before its run    stopwatch caption, bench
    RunStarted      events     shop.Run                         UI, bench, Supervisor's watch
    Event           events     every barista (via its crew)     UI panes and timeline, bench
    RunFinished     events     shop.Run (carries a RunResult)   UI scoreboard, bench
    CrewSummary     gauges     shop.Run's Summariser (rush)     UI crew grid and timeline
    GilReading      gauges     the reporter's GilProbe          UI GIL gauge
    LoopLag         gauges     the reporter (asyncio runs)      UI GIL gauge's loop line
    KitchenGone     kitchen    Kitchen.poll (the pipe ended)    Supervisor, UI header
    front of house, Supervisor -> UI (SupervisorMessage)
    KitchenDown     kitchen    Supervisor (crashed, restart?)   UI supervision
    KitchenSilent   kitchen    Supervisor (no heartbeat)        UI supervision
    KitchenBack     kitchen    Supervisor (heartbeat again)     UI supervision
    RunLost         kitchen    Supervisor (with FAILED Events)  UI supervision

    records carried inside messages (events): RunSpec (in StartRun, RunStarted),
    RunResult with BaristaStats and a lesson's LessonResult (in RunFinished)

    union types: KitchenCommand (commands), KitchenMessage and SupervisorMessage (kitchen)

``remote`` holds the engine's words with its out-of-process baristas (NEXT,
CANCEL, KNOCK): they stay inside the kitchen and never reach the front of house.

These modules are imported inside barista processes and subinterpreters, so
they stay light: no psutil, no multiprocessing, and this file imports nothing.
"""
