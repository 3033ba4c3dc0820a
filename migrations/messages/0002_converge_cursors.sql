CREATE TABLE `converge_cursors` (
	`age_seconds` integer PRIMARY KEY NOT NULL,
	`through_id` text NOT NULL
);
