"""Interview use cases: rules from `portal.scheduling`, rows from `portal.db`, one transaction.

The public surface is `portal.interviews.service`; each use case opens one transaction for
its rule checks, writes, status history, audit and outbox rows, and announces the change on
the live broadcaster after the commit.
"""
