CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    name          text NOT NULL DEFAULT '' CHECK (char_length(name) <= 100),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

--bun:split

CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

--bun:split

CREATE TABLE tasks (
    id                  bigserial PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title               text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description         text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
    completed           boolean NOT NULL DEFAULT false,
    completed_at        timestamptz,
    due_at              timestamptz,
    priority            text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high')),
    recurrence          text NOT NULL DEFAULT 'none' CHECK (recurrence IN ('none', 'daily', 'weekly', 'monthly', 'yearly')),
    recurrence_interval integer NOT NULL DEFAULT 1 CHECK (recurrence_interval BETWEEN 1 AND 1000),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

--bun:split

CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC);

--bun:split

CREATE INDEX tasks_user_due_idx ON tasks (user_id, due_at);

--bun:split

CREATE INDEX tasks_user_completed_idx ON tasks (user_id, completed, due_at);

--bun:split

CREATE TABLE tags (
    id         bigserial PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    created_at timestamptz NOT NULL DEFAULT now()
);

--bun:split

CREATE UNIQUE INDEX tags_user_name_lower_key ON tags (user_id, lower(name));

--bun:split

CREATE TABLE task_tags (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag_id  bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, tag_id)
);

--bun:split

CREATE INDEX task_tags_tag_idx ON task_tags (tag_id);

--bun:split

CREATE TABLE conversations (
    id         bigserial PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text NOT NULL DEFAULT '' CHECK (char_length(title) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

--bun:split

CREATE INDEX conversations_user_updated_idx ON conversations (user_id, updated_at DESC);

--bun:split

CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
    content         text NOT NULL CHECK (char_length(content) <= 100000),
    tool_calls      jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);

--bun:split

CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
