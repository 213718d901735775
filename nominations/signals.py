from django.dispatch import Signal

# Sent once, after the publishing transaction commits, with ``cycle_id``.
# Certificate and reward jobs connect to it.
results_published = Signal()
