-- The dealer portal (issue 9, src/portal): people who sign in, their sessions, one-time login links.
--
-- Passwords: scrypt (memory-hard) with a per-user random salt; the parameters used are stored
-- beside the hash ({ "N", "r", "p", "keyLength" }), so raising the cost later keeps old hashes
-- checkable. A user without a password signs in only through login links.
-- Lockout: failed_logins counts consecutive wrong passwords; reaching the configured maximum
-- sets locked_until and starts the count again. A correct password while locked is refused.
CREATE TABLE portal_users (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Stored lower-case: sign-in is case-insensitive on the name.
  username        text NOT NULL UNIQUE CHECK (username = lower(username)),
  kind            text NOT NULL CHECK (kind IN ('dealer', 'admin')),
  dealer_id       bigint REFERENCES dealers (id) ON DELETE CASCADE,
  password_hash   text,
  password_salt   text,
  password_params jsonb,
  failed_logins   integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  -- 'demo' users follow demo.enabled (created, then disabled when the demo is switched off).
  source          text NOT NULL DEFAULT 'cli',
  disabled_at     timestamptz,
  last_login_at   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'dealer') = (dealer_id IS NOT NULL)),
  CHECK ((password_hash IS NULL) = (password_salt IS NULL) AND (password_hash IS NULL) = (password_params IS NULL))
);
CREATE INDEX portal_users_dealer_idx ON portal_users (dealer_id);

-- A session id is 256 random bits held only by the browser (HttpOnly cookie); we keep its
-- SHA-256 digest, so a copy of this table cannot be replayed as cookies.
CREATE TABLE portal_sessions (
  id_hash      text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  user_agent   text
);
CREATE INDEX portal_sessions_user_idx ON portal_sessions (user_id);
CREATE INDEX portal_sessions_expires_idx ON portal_sessions (expires_at);

-- One-time login links: the digest of a random token, usable once before it expires.
CREATE TABLE portal_login_links (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_login_links_user_idx ON portal_login_links (user_id);
