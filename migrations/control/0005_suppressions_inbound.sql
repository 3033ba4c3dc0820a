CREATE TABLE `inbound_receipts` (
	`provider` text NOT NULL,
	`provider_message_id` text NOT NULL,
	`message_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `provider_message_id`)
);
--> statement-breakpoint
CREATE TABLE `suppressions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`reason` text NOT NULL,
	`source_message_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppressions_account_channel_address_idx` ON `suppressions` (`account_id`,`channel`,`address`);--> statement-breakpoint
CREATE INDEX `suppressions_account_id_idx` ON `suppressions` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `suppressions_account_reason_idx` ON `suppressions` (`account_id`,`reason`,`id`);--> statement-breakpoint
CREATE INDEX `suppressions_account_address_idx` ON `suppressions` (`account_id`,`address`,`id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `inbound_callback` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `direction` text DEFAULT 'outbound' NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_account_direction_idx` ON `messages` (`account_id`,`direction`,`id`);