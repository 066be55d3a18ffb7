"""The tenders' rules, one module per subject: ``procedure`` (which procedure, publicity and bid
period), ``criteria``, ``deadlines`` (the standstill), ``ranking`` (the consolidated ranking as plain
values), ``price_schedule_layout`` (the BPU / DQE workbook's cells) and ``guards`` (the transitions'
refusals, which apply them to the models)."""
