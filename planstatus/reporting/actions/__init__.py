"""The reporting rounds' writes, one module per task (Zulip's `actions/`): links, opening
and closing rounds, reports in a round, reminders. Mails go out after the transaction."""
