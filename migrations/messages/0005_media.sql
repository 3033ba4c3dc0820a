CREATE TABLE `media_orphans` (
	`account_id` text NOT NULL,
	`sha256` text NOT NULL,
	`since` integer NOT NULL,
	PRIMARY KEY(`account_id`, `sha256`)
);
--> statement-breakpoint
CREATE INDEX `media_orphans_since_idx` ON `media_orphans` (`since`);--> statement-breakpoint
CREATE TABLE `message_media` (
	`message_id` text NOT NULL,
	`attachment_id` text NOT NULL,
	`account_id` text NOT NULL,
	`sha256` text NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`message_id`, `attachment_id`)
);
--> statement-breakpoint
CREATE INDEX `message_media_account_sha_idx` ON `message_media` (`account_id`,`sha256`);