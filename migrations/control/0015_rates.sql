CREATE TABLE `rates` (
	`account_id` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`country` text DEFAULT '*' NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`price` integer NOT NULL,
	`currency` text NOT NULL,
	PRIMARY KEY(`account_id`, `kind`, `country`, `category`)
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `spend_limit_daily` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `spend_limit_monthly` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `usage_alerts` text;