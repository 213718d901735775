from django.dispatch import Signal

# Sent once, after the publishing transaction commits, with ``cycle_id``.
# Certificate and reward jobs connect to it.
results_published = Signal()

# Sent inside the publishing transaction, with ``cycle_id``: receivers create
# their rows (certificates, incentive records) in the same transaction and
# dispatch their jobs with ``transaction.on_commit``.
results_publishing = Signal()
