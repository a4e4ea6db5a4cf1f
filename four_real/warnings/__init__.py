"""Warnings (预警): critical and high findings turned into one actionable item per project, wage month and
rule group, routed to the sector's bureau and to 人社, with a deadline, a lifecycle and an audit trail.

- ``groups``: which rule belongs to which group; ``policy``: deadlines by severity; ``routing``: bureaus;
- ``sync``: keeps warnings in step with findings after every reconciliation (raise, resolve, reopen);
- ``lifecycle``: what people do (acknowledge, resolve, close, urge) and what may follow what;
- ``queries``: listing and counting for the API, the bulletin and the CLI.
"""
