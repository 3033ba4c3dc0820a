CREATE TABLE `message_metadata` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`message_id` text NOT NULL,
	PRIMARY KEY(`account_id`, `key`, `value`, `message_id`)
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `metadata` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `batch_id` text;--> statement-breakpoint
CREATE INDEX `messages_account_batch_idx` ON `messages` (`account_id`,`batch_id`,`id`) WHERE "messages"."batch_id" IS NOT NULL;--> statement-breakpoint
-- Written by hand (drizzle-kit makes no triggers): the metadata filter's index
-- follows its message, so no code path writes or deletes it on its own.
CREATE TRIGGER `message_metadata_insert` AFTER INSERT ON `messages` WHEN NEW.`metadata` IS NOT NULL BEGIN
  INSERT OR IGNORE INTO `message_metadata` (`account_id`, `key`, `value`, `message_id`)
    SELECT NEW.`account_id`, `key`, `value`, NEW.`id` FROM json_each(NEW.`metadata`);
END;--> statement-breakpoint
CREATE TRIGGER `message_metadata_delete` AFTER DELETE ON `messages` WHEN OLD.`metadata` IS NOT NULL BEGIN
  DELETE FROM `message_metadata` WHERE `account_id` = OLD.`account_id` AND `message_id` = OLD.`id`
    AND (`key`, `value`) IN (SELECT `key`, `value` FROM json_each(OLD.`metadata`));
END;
