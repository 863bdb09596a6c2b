-- Console sign-ins (com.cataloghooks.console.session). The browser holds only an encrypted cookie naming a row
-- here; the row holds no credential, only who signed in, their roles and until when. Signing out deletes the row,
-- so a copied cookie stops working everywhere at once, on every replica.
CREATE TABLE console_sessions (
    id_hash        char(64)     PRIMARY KEY,                 -- SHA-256 (hex) of the session id in the cookie
    principal      varchar(255) NOT NULL,
    roles          varchar(255) NOT NULL,                    -- comma-separated
    credential     varchar(16)  NOT NULL CHECK (credential IN ('api-key', 'jwt')),
    credential_ref char(64),                                 -- an API key's configured SHA-256: gone from config, session ends
    csrf_token     varchar(64)  NOT NULL,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    expires_at     timestamptz  NOT NULL
);

CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);
