"""WeCom notifications that are never lost: a transactional outbox and its worker."""
