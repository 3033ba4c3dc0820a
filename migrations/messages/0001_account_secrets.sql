CREATE TABLE `account_secrets` (
	`account_id` text PRIMARY KEY NOT NULL,
	`webhook_secret` text NOT NULL,
	`previous_webhook_secret` text,
	`previous_webhook_secret_expires_at` integer,
	`copied_at` integer NOT NULL
);
