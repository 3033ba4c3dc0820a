-- Senders that existed before verification (issue 17). Test-mode accounts'
-- senders never reach a provider: they become sandbox senders, usable as
-- before. Live senders were only ever claimed, so they stay
-- pending_verification (the column's default) until the operator binds them
-- (`npm run keys -- senders add`, which upgrades the existing row) or the
-- account proves them; live email senders get their DNS token now, so they can
-- be verified at once with POST /v1/senders/:id/verify.
UPDATE `senders` SET `status` = 'sandbox'
  WHERE `account_id` IN (SELECT `id` FROM `accounts` WHERE `mode` = 'test');--> statement-breakpoint
UPDATE `senders` SET `verification_token` = lower(hex(randomblob(16)))
  WHERE `status` = 'pending_verification' AND `channel` = 'email';
