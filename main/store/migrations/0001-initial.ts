// Schema 1: project metadata, model versions (weights deduplicated by SHA-256), runs with
// their owner process, and recordings stored as chunks of events (index rows apart from
// the compressed bytes, so listing and seeking never read event data).

import type { Migration } from '../migration.js';

export const migration0001: Migration = {
  version: 1,
  title: 'projects, model versions, runs and recordings',
  up(db) {
    db.exec(`
      CREATE TABLE project (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        name        TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
      );

      CREATE TABLE weight_blobs (
        sha256      TEXT PRIMARY KEY,
        byte_length INTEGER NOT NULL,
        data        BLOB NOT NULL
      );

      CREATE TABLE model_versions (
        id              INTEGER PRIMARY KEY,
        name            TEXT,
        created_at      TEXT NOT NULL,
        model_text      TEXT NOT NULL,
        weights_sha256  TEXT REFERENCES weight_blobs(sha256),
        input_shape     TEXT NOT NULL,  -- JSON [channels, height, width]
        device          TEXT NOT NULL,  -- device type it was compiled for
        compile_options TEXT NOT NULL,  -- JSON
        config_json     TEXT NOT NULL
      );

      CREATE TABLE runs (
        id               INTEGER PRIMARY KEY,
        model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
        device_id        TEXT NOT NULL,
        device_type      TEXT NOT NULL,
        deploy_options   TEXT NOT NULL,  -- JSON
        monitor_layers   TEXT NOT NULL,  -- JSON array of core ids
        started_at       TEXT NOT NULL,
        ended_at         TEXT,
        last_commit_at   TEXT,
        status           TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
        reason           TEXT,
        message          TEXT,
        events_in        INTEGER NOT NULL DEFAULT 0,
        events_out       INTEGER NOT NULL DEFAULT 0,
        counters         TEXT NOT NULL DEFAULT '{}',  -- JSON, the device's final statistics
        owner_host       TEXT,
        owner_pid        INTEGER,
        owner_boot       TEXT,
        owner_start      TEXT
      );

      CREATE TABLE recordings (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        stream      TEXT NOT NULL CHECK (stream IN ('input', 'output')),
        event_count INTEGER NOT NULL DEFAULT 0,
        chunk_count INTEGER NOT NULL DEFAULT 0,
        byte_count  INTEGER NOT NULL DEFAULT 0,
        t_first     REAL,
        t_last      REAL,
        UNIQUE (run_id, stream)
      );

      CREATE TABLE chunks (
        id           INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        first_event  INTEGER NOT NULL,  -- index of the chunk's first event in the recording
        event_count  INTEGER NOT NULL,
        t_first      REAL NOT NULL,
        t_last       REAL NOT NULL,
        codec        TEXT NOT NULL,
        UNIQUE (recording_id, seq)
      );

      CREATE TABLE chunk_data (
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        bytes    BLOB NOT NULL
      );
    `);
  },
};
