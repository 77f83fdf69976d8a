CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`platform` text NOT NULL,
	`name` text NOT NULL,
	`credentials_ciphertext` text NOT NULL,
	`credentials_iv` text NOT NULL,
	`credentials_key_id` text NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `accounts_workspace_platform` ON `accounts` (`workspace_id`,`platform`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_one_default` ON `accounts` (`workspace_id`,`platform`) WHERE is_default = 1 and deleted_at is null;--> statement-breakpoint
ALTER TABLE `content` ADD `media` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `scheduled_posts` ADD `account_id` text REFERENCES accounts(id);--> statement-breakpoint
ALTER TABLE `scheduled_posts` ADD `publish_state` text;