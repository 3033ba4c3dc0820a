ALTER TABLE `messages` ADD `encoding` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `segments` integer;