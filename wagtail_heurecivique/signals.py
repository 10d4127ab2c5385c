"""Events of the programme, for the layers built on the domain (workflows, notifications).

The domain sends them; it never imports who listens.
"""

from django.dispatch import Signal

#: A need has just been recorded — in the back office, from the public form or as a
#: partner's referral (``need.source`` says which). Sent inside the transaction that
#: saved it, so that a receiver's failure leaves no need without its process.
#: Arguments: ``need``, ``user`` (the staff member, or ``None`` for the public).
need_received = Signal()

#: A volunteer who signed up on the public site has confirmed their e-mail address:
#: they now wait for the référent's interview. Arguments: ``volunteer``.
volunteer_confirmed = Signal()

#: A référent entered a volunteer by hand (signed up by phone or on paper): no e-mail
#: to confirm, they wait for the interview. Arguments: ``volunteer``, ``user``.
volunteer_entered = Signal()

#: A volunteer left the programme (from their space, or recorded by a référent): their
#: record is deactivated and a request to erase their data recorded. Sent inside that
#: transaction. Arguments: ``volunteer``, ``user`` (the staff member, or ``None``).
volunteer_left = Signal()
