ALTER TABLE `messages` ADD `fallback` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `fallback_after` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `send_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `attempts` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `delivered_channel` text;