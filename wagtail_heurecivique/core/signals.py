"""Events of the programme, for the layers built on the domain (workflows, notifications).

The domain and the services send them; they never import who listens. Every signal is
sent inside the transaction of the write it announces, so that what a receiver records
(a process, a ledger row) is kept or rolled back with it.
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
#: transaction. Arguments: ``volunteer``, ``user`` (the staff member, or ``None``),
#: ``request`` (the ``ErasureRequest``).
volunteer_left = Signal()

#: Someone signed up, or signed up again before confirming: their address must be
#: confirmed through ``confirm_url``. Arguments: ``volunteer``, ``confirm_url``, ``now``, and
#: ``new`` (``True`` when the volunteer's row was inserted in the current transaction).
signup_requested = Signal()

#: An address that already belongs to a confirmed volunteer signed up again.
#: Arguments: ``volunteer``, ``now``.
signup_repeated = Signal()

#: A need reported on the public site, by someone who gave an address to be told it
#: arrived. Arguments: ``need``, ``reporter_email``.
need_reported = Signal()

#: A volunteer asked for a link to their space. Arguments: ``volunteer``, ``link``, ``now``.
space_link_requested = Signal()

#: Someone registered to an action and must confirm through ``confirm_url``.
#: Arguments: ``registration``, ``confirm_url``, ``now``.
registration_requested = Signal()

#: A registration was confirmed: it holds a place or a waiting place (its ``status``
#: says which). Arguments: ``registration``, ``cancel_url``.
registration_confirmed = Signal()

#: A place freed up and the first person waiting got it. Arguments: ``registration``,
#: ``cancel_url``.
registration_promoted = Signal()
