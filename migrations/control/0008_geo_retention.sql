ALTER TABLE `accounts` ADD `geo_permissions` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `allowed_number_types` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `recipient_limit_per_hour` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `retention_days` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `content_retention` text DEFAULT 'retain' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `redacted_at` integer;--> statement-breakpoint
ALTER TABLE `templates` ADD `content_retention` text DEFAULT 'retain' NOT NULL;