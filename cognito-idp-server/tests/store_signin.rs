//! The store's sign-in state (part 2), called directly on both backends: pool secrets (as
//! pool-owned resources), challenge sessions, refresh tokens and their families, failed
//! sign-ins, users' devices; the races that must have one outcome (two answers with one
//! session, several instances making a pool's keys, concurrent failures), the cascades of
//! deleting a user or a pool and of `reset`, the purge of
//! long-expired rows, and databases of the previous schema opening and migrating.
//!
//! Every check runs on a real SQLite file (tempfile) and on a real PostgreSQL (a throwaway
//! server, see `pg/mod.rs`; without PostgreSQL on the machine that half prints SKIPPED). "Two
//! instances" are two stores opened on the same database: for SQLite two connections with
//! writer threads of their own, which lock the file as two processes would.

mod common;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use cognito_idp_server::store::postgres::{PgOptions, PgStore, migrate};
use cognito_idp_server::store::resources::{self, Resource};
use cognito_idp_server::store::sqlite::{Location, SqliteStore, Synchronous};
use cognito_idp_server::store::*;
use common::pg::{self, Postgres};
use common::stores::on_both;
use serde::{Deserialize, Serialize};
use serde_json::json;

const POOL: &str = "us-east-1_Signin1";
const OTHER_POOL: &str = "us-east-1_Signin2";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

// --- the two backends

// --- records

async fn pool<S: Store>(store: &S, id: &str) {
    let record = PoolRecord { seq: 0, id: id.into(), version: 0, doc: json!({"Id": id}) };
    store.insert_pool(record).await.unwrap();
}

async fn user<S: Store>(store: &S, pool: &str, key: &str) -> UserRecord {
    let sub = format!("{pool}-{key}-{}", now_ms());
    let record = UserRecord {
        pool_id: pool.into(),
        username: key.into(),
        username_key: key.into(),
        sub: sub.clone(),
        status: "CONFIRMED".into(),
        enabled: true,
        attributes: vec![("sub".into(), sub)],
        ..UserRecord::default()
    };
    store.insert_user(record, vec![], AliasConflict::Fail, vec![]).await.unwrap()
}

fn session(hash: &str, pool: &str, user_key: &str, expires_ms: i64) -> SessionRecord {
    SessionRecord {
        id_hash: hash.into(),
        pool_id: pool.into(),
        client_id: "client1".into(),
        user_key: user_key.into(),
        expires_ms,
        doc: json!({"challenge": "SMS_MFA", "state": {"n": 1}, "attempts": 0}),
    }
}

fn refresh(hash: &str, pool: &str, user_key: &str, family: &str, expires_ms: i64) -> RefreshRecord {
    RefreshRecord {
        hash: hash.into(),
        pool_id: pool.into(),
        client_id: "client1".into(),
        user_key: user_key.into(),
        origin_jti: family.into(),
        expires_ms,
        doc: json!({"auth_time": 1_700_000_000}),
    }
}

fn message(pool: &str, username: &str, code: &str) -> OutboxMessage {
    OutboxMessage {
        seq: 0,
        pool_id: pool.into(),
        username: username.into(),
        kind: "SMS_MFA".into(),
        medium: "SMS".into(),
        destination: "+15555550100".into(),
        code: code.into(),
        message: Some(format!("Your authentication code is {code}. ")),
        subject: None,
        time_ms: now_ms(),
    }
}

// --- pool secrets

/// A pool secret as the server keeps its signing keys: a resource of kind `secret` whose
/// document is a JSON string (`tokens::keys`).
#[derive(Serialize, Deserialize)]
struct Secret {
    #[serde(skip)]
    name: String,
    value: String,
}

impl Resource for Secret {
    const KIND: &'static str = "test_secret";
    fn key(&self) -> String {
        self.name.clone()
    }
}

/// Stores the secret unless the pool has one of that name, and returns the stored value.
async fn put_secret<S: Store>(store: &S, pool_id: &str, name: &str, value: String) -> StoreResult<String> {
    let secret = Secret { name: name.to_owned(), value };
    resources::create_or_get(store, pool_id, secret).await.map(|s| s.value.value)
}

/// The pool's secret `name`, if stored.
async fn secret<S: Store>(store: &S, pool_id: &str, name: &str) -> StoreResult<Option<String>> {
    match resources::get::<S, Secret>(store, pool_id, name).await {
        Ok(stored) => Ok(Some(stored.value.value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn check_pool_secrets<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    assert_eq!(secret(a, POOL, "keys").await.unwrap(), None);
    assert_eq!(put_secret(a, POOL, "keys", "first".into()).await.unwrap(), "first");
    assert_eq!(put_secret(b, POOL, "keys", "second".into()).await.unwrap(), "first", "the first stays");
    assert_eq!(secret(b, POOL, "keys").await.unwrap().as_deref(), Some("first"));
    assert_eq!(secret(a, POOL, "other").await.unwrap(), None, "secrets are by name");
    assert_eq!(secret(a, "us-east-1_Nowhere", "keys").await.unwrap(), None);
    let nowhere = put_secret(a, "us-east-1_Nowhere", "keys", "x".into()).await;
    assert_eq!(nowhere.unwrap_err(), StoreError::NotFound);

    // Instances making a pool's keys at once all end with one value.
    for round in 0..5 {
        let name = format!("race{round}");
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let name = name.clone();
            tasks
                .push(tokio::spawn(async move { put_secret(&store, POOL, &name, format!("value{i}")).await.unwrap() }));
        }
        let mut values = Vec::new();
        for task in tasks {
            values.push(task.await.unwrap());
        }
        let stored = secret(a, POOL, &name).await.unwrap().unwrap();
        assert!(values.iter().all(|v| *v == stored), "round {round}: {values:?}, stored {stored}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pool_secrets_are_written_once_and_every_racer_reads_the_winner() {
    on_both!(check_pool_secrets);
}

// --- sessions

async fn check_sessions<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    let now = now_ms();
    let first = session("h1", POOL, "ana", now + 3 * MINUTE);
    a.put_session(first.clone(), vec![message(POOL, "ana", "123456")]).await.unwrap();
    let outbox = a.list_outbox(Some(POOL), Some("ana")).await.unwrap();
    assert_eq!(outbox.len(), 1, "the code is stored with the session");
    assert_eq!(outbox[0].code, "123456");
    assert_eq!(outbox[0].message.as_deref(), Some("Your authentication code is 123456. "), "the text delivered");
    assert_eq!(b.take_session("h1").await.unwrap(), first, "taken as stored, through the other instance");
    assert_eq!(a.take_session("h1").await.unwrap_err(), StoreError::NotFound, "single use");
    assert_eq!(a.take_session("never").await.unwrap_err(), StoreError::NotFound);

    // Put back (a wrong code): the same hash takes the new document.
    a.put_session(first.clone(), vec![]).await.unwrap();
    let mut retried = first.clone();
    retried.doc = json!({"challenge": "SMS_MFA", "attempts": 1});
    a.put_session(retried.clone(), vec![]).await.unwrap();
    assert_eq!(a.take_session("h1").await.unwrap(), retried);

    // An expired session is still returned (the caller tells "expired" from "used").
    let stale = session("h-stale", POOL, "ana", now - MINUTE);
    a.put_session(stale.clone(), vec![]).await.unwrap();
    assert_eq!(a.take_session("h-stale").await.unwrap(), stale);

    // A session of a pool that does not exist is refused, its outbox with it.
    let nowhere = a.put_session(session("h2", "us-east-1_Nowhere", "ana", now), vec![message(POOL, "zoe", "1")]).await;
    assert_eq!(nowhere.unwrap_err(), StoreError::NotFound);
    assert!(a.list_outbox(Some(POOL), Some("zoe")).await.unwrap().is_empty(), "nothing of a failed write remains");

    // Two answers with one session at once, through two instances: exactly one gets it.
    for round in 0..20 {
        let hash = format!("race{round}");
        a.put_session(session(&hash, POOL, "ana", now + MINUTE), vec![]).await.unwrap();
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let takes = [a.clone(), b.clone()].map(|store| {
            let (hash, barrier) = (hash.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store.take_session(&hash).await
            })
        });
        let mut won = 0;
        for take in takes {
            match take.await.unwrap() {
                Ok(record) => {
                    assert_eq!(record.id_hash, hash);
                    won += 1;
                }
                Err(e) => assert_eq!(e, StoreError::NotFound),
            }
        }
        assert_eq!(won, 1, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_are_taken_once_even_by_two_instances_at_once() {
    on_both!(check_sessions);
}

// --- refresh tokens and families

async fn check_refresh_tokens<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    user(a, POOL, "ana").await;
    user(a, POOL, "bob").await;
    let now = now_ms();
    let expires = now + 30 * DAY;

    let nobody = a.insert_refresh(refresh("r0", POOL, "nobody", "f0", expires)).await;
    assert_eq!(nobody.unwrap_err(), StoreError::NotFound, "tokens are issued to users");
    assert!(!a.family_valid(POOL, "f0").await.unwrap());

    let r1 = refresh("r1", POOL, "ana", "f1", expires);
    a.insert_refresh(r1.clone()).await.unwrap();
    assert_eq!(b.get_refresh("r1").await.unwrap(), r1);
    assert!(b.family_valid(POOL, "f1").await.unwrap());
    assert!(!a.family_valid(POOL, "unknown").await.unwrap(), "an unknown family is not valid");
    assert!(!a.family_valid(OTHER_POOL, "f1").await.unwrap(), "families are per pool");
    assert_eq!(a.get_refresh("nope").await.unwrap_err(), StoreError::NotFound);
    let twice = a.insert_refresh(refresh("r1", POOL, "ana", "f1", expires)).await;
    assert_eq!(twice.unwrap_err(), StoreError::Conflict);

    // Rotation: the old token ends at the given time (never later than it did), the new one
    // joins the family.
    let r2 = refresh("r2", POOL, "ana", "f1", expires + DAY);
    a.rotate_refresh("r1", now + 30_000, r2.clone()).await.unwrap();
    assert_eq!(a.get_refresh("r1").await.unwrap().expires_ms, now + 30_000);
    assert_eq!(b.get_refresh("r2").await.unwrap(), r2);
    let r3 = refresh("r3", POOL, "ana", "f1", expires + DAY);
    a.rotate_refresh("r1", now + HOUR, r3).await.unwrap();
    assert_eq!(a.get_refresh("r1").await.unwrap().expires_ms, now + 30_000, "rotation never extends");
    let elsewhere = a.rotate_refresh("r2", now, refresh("r4", POOL, "ana", "f-other", expires)).await;
    assert!(matches!(elsewhere, Err(StoreError::Database(_))), "{elsewhere:?}");
    assert_eq!(a.get_refresh("r4").await.unwrap_err(), StoreError::NotFound, "nothing of it was stored");
    assert_eq!(a.get_refresh("r2").await.unwrap().expires_ms, expires + DAY, "nor changed");
    let gone = a.rotate_refresh("nope", now, refresh("r5", POOL, "ana", "f1", expires)).await;
    assert_eq!(gone.unwrap_err(), StoreError::NotFound);
    assert_eq!(a.get_refresh("r5").await.unwrap_err(), StoreError::NotFound);

    // Revoking the family ends every token of it, through any instance.
    a.insert_refresh(refresh("b1", POOL, "bob", "fb", expires)).await.unwrap();
    b.revoke_family(POOL, "f1").await.unwrap();
    assert!(!a.family_valid(POOL, "f1").await.unwrap());
    for hash in ["r1", "r2", "r3"] {
        assert_eq!(a.get_refresh(hash).await.unwrap_err(), StoreError::NotFound, "{hash}");
    }
    let revoked = a.rotate_refresh("r2", now, refresh("r6", POOL, "ana", "f1", expires)).await;
    assert_eq!(revoked.unwrap_err(), StoreError::NotFound);
    a.revoke_family(POOL, "f1").await.unwrap();
    a.revoke_family(POOL, "unknown").await.unwrap();
    assert!(a.family_valid(POOL, "fb").await.unwrap(), "other families are untouched");
    // A token added to a revoked family is born revoked.
    a.insert_refresh(refresh("r7", POOL, "ana", "f1", expires)).await.unwrap();
    assert_eq!(a.get_refresh("r7").await.unwrap_err(), StoreError::NotFound);
    assert!(!a.family_valid(POOL, "f1").await.unwrap());

    // Global sign-out: every family of the user, no other user's.
    for family in ["g1", "g2"] {
        a.insert_refresh(refresh(&format!("{family}-t"), POOL, "ana", family, expires)).await.unwrap();
    }
    b.revoke_user_families(POOL, "ana").await.unwrap();
    for family in ["g1", "g2"] {
        assert!(!a.family_valid(POOL, family).await.unwrap(), "{family}");
        assert_eq!(a.get_refresh(&format!("{family}-t")).await.unwrap_err(), StoreError::NotFound);
    }
    assert!(a.family_valid(POOL, "fb").await.unwrap());
    assert!(a.get_refresh("b1").await.is_ok());
    a.revoke_user_families(POOL, "nobody").await.unwrap();
    // A sign-in after it makes a family that works.
    a.insert_refresh(refresh("g3-t", POOL, "ana", "g3", expires)).await.unwrap();
    assert!(a.family_valid(POOL, "g3").await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_tokens_rotate_within_their_family_and_revocation_ends_the_family() {
    on_both!(check_refresh_tokens);
}

// --- failed sign-ins

async fn check_failures<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    user(a, POOL, "ana").await;
    user(a, POOL, "bob").await;
    assert_eq!(a.sign_in_failures(POOL, "ana").await.unwrap(), SignInFailures::default());
    assert_eq!(a.sign_in_failures(POOL, "nobody").await.unwrap(), SignInFailures::default());
    assert_eq!(a.sign_in_failed(POOL, "nobody", 5).await.unwrap_err(), StoreError::NotFound);

    assert_eq!(a.sign_in_failed(POOL, "ana", 100).await.unwrap(), SignInFailures { count: 1, last_ms: 100 });
    assert_eq!(b.sign_in_failed(POOL, "ana", 200).await.unwrap(), SignInFailures { count: 2, last_ms: 200 });
    assert_eq!(b.sign_in_failures(POOL, "ana").await.unwrap(), SignInFailures { count: 2, last_ms: 200 });
    assert_eq!(a.sign_in_failures(POOL, "bob").await.unwrap().count, 0, "counted per user");
    a.clear_sign_in_failures(POOL, "ana").await.unwrap();
    assert_eq!(a.sign_in_failures(POOL, "ana").await.unwrap(), SignInFailures::default());
    a.clear_sign_in_failures(POOL, "ana").await.unwrap();
    a.clear_sign_in_failures(POOL, "nobody").await.unwrap();

    // Failures through two instances at once all count, each answer a different count.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move { store.sign_in_failed(POOL, "bob", 1000 + i).await.unwrap().count }));
    }
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.unwrap());
    }
    counts.sort();
    assert_eq!(counts, (1..=24).collect::<Vec<_>>());
    assert_eq!(a.sign_in_failures(POOL, "bob").await.unwrap().count, 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_sign_ins_count_atomically_per_user() {
    on_both!(check_failures);
}

// --- cascades

/// Gives `key` one of everything: a session, a refresh token in family `{key}-f`, failures.
async fn everything_of<S: Store>(store: &S, pool: &str, key: &str) {
    let expires = now_ms() + DAY;
    store.put_session(session(&format!("{pool}-{key}-s"), pool, key, expires), vec![]).await.unwrap();
    let family = format!("{key}-f");
    store.insert_refresh(refresh(&format!("{pool}-{key}-r"), pool, key, &family, expires)).await.unwrap();
    store.sign_in_failed(pool, key, 1).await.unwrap();
    let device = DeviceRecord {
        seq: 0,
        pool_id: pool.to_owned(),
        user_key: key.to_owned(),
        device_key: format!("{key}-d"),
        version: 0,
        doc: serde_json::json!({}),
    };
    store.insert_device(device).await.unwrap();
}

/// Whether `key` has (all of) everything [`everything_of`] gave, or none of it.
async fn has_everything<S: Store>(store: &S, pool: &str, key: &str) -> bool {
    let family = format!("{key}-f");
    let session = store.take_session(&format!("{pool}-{key}-s")).await;
    let token = store.get_refresh(&format!("{pool}-{key}-r")).await;
    let valid = store.family_valid(pool, &family).await.unwrap();
    let failures = store.sign_in_failures(pool, key).await.unwrap().count;
    let device = store.get_device(pool, key, &format!("{key}-d")).await;
    let found = [session.is_ok(), token.is_ok(), valid, failures > 0, device.is_ok()];
    assert!(found.iter().all(|f| *f) || found.iter().all(|f| !*f), "{pool}/{key}: partly there: {found:?}");
    if let Ok(session) = session {
        store.put_session(session, vec![]).await.unwrap();
    }
    found[0]
}

async fn check_cascades<S: Store>(a: &S, _b: &S) {
    pool(a, POOL).await;
    pool(a, OTHER_POOL).await;
    for (p, key) in [(POOL, "ana"), (POOL, "bob"), (OTHER_POOL, "ana")] {
        user(a, p, key).await;
        everything_of(a, p, key).await;
        assert!(has_everything(a, p, key).await);
    }
    // A session of a user that does not exist (a challenge for an unknown user) is possible.
    a.put_session(session("ghost-s", POOL, "ghost", now_ms() + MINUTE), vec![]).await.unwrap();
    put_secret(a, POOL, "keys", "k1".into()).await.unwrap();
    put_secret(a, OTHER_POOL, "keys", "k2".into()).await.unwrap();

    // Deleting a user deletes its sessions, tokens, families and failures, and only its own.
    a.delete_user(POOL, "ana").await.unwrap();
    assert!(!has_everything(a, POOL, "ana").await);
    assert!(has_everything(a, POOL, "bob").await);
    assert!(has_everything(a, OTHER_POOL, "ana").await);
    // A new user of the same name starts with nothing of the old one's.
    user(a, POOL, "ana").await;
    assert!(!has_everything(a, POOL, "ana").await);

    // Deleting a pool deletes everything of it, its secrets too.
    a.delete_pool(POOL).await.unwrap();
    assert_eq!(a.take_session("ghost-s").await.unwrap_err(), StoreError::NotFound);
    pool(a, POOL).await;
    assert_eq!(secret(a, POOL, "keys").await.unwrap(), None);
    user(a, POOL, "bob").await;
    assert!(!has_everything(a, POOL, "bob").await);
    assert!(has_everything(a, OTHER_POOL, "ana").await);
    assert_eq!(secret(a, OTHER_POOL, "keys").await.unwrap().as_deref(), Some("k2"));

    // Reset deletes all.
    a.reset().await.unwrap();
    pool(a, OTHER_POOL).await;
    user(a, OTHER_POOL, "ana").await;
    assert!(!has_everything(a, OTHER_POOL, "ana").await);
    assert_eq!(secret(a, OTHER_POOL, "keys").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_a_user_or_pool_and_reset_delete_their_sign_in_state() {
    on_both!(check_cascades);
}

// --- purges

async fn check_purges<S: Store>(a: &S, _b: &S) {
    pool(a, POOL).await;
    user(a, POOL, "ana").await;
    let now = now_ms();
    a.put_session(session("ancient", POOL, "ana", now - 2 * DAY), vec![]).await.unwrap();
    a.put_session(session("recent", POOL, "ana", now - 30 * MINUTE), vec![]).await.unwrap();
    a.insert_refresh(refresh("old-t", POOL, "ana", "old-f", now - 30 * DAY)).await.unwrap();
    a.insert_refresh(refresh("week-t", POOL, "ana", "week-f", now - 2 * DAY)).await.unwrap();
    a.insert_refresh(refresh("live-t", POOL, "ana", "live-f", now + DAY)).await.unwrap();
    assert!(a.get_refresh("old-t").await.is_ok(), "nothing is purged by inserting a token");

    // A new session (made now) purges what expired long ago: sessions after an hour, refresh
    // tokens and families after a week.
    a.put_session(session("new", POOL, "ana", now + 3 * MINUTE), vec![]).await.unwrap();
    assert_eq!(a.take_session("ancient").await.unwrap_err(), StoreError::NotFound);
    assert!(a.take_session("recent").await.is_ok(), "expired half an hour ago: kept");
    assert_eq!(a.get_refresh("old-t").await.unwrap_err(), StoreError::NotFound);
    assert!(!a.family_valid(POOL, "old-f").await.unwrap());
    assert!(a.get_refresh("week-t").await.is_ok(), "expired two days ago: kept");
    assert!(a.family_valid(POOL, "week-f").await.unwrap());
    assert!(a.get_refresh("live-t").await.is_ok());

    // Rotations purge too.
    a.put_session(session("ancient2", POOL, "ana", now - 2 * DAY), vec![]).await.unwrap();
    a.insert_refresh(refresh("old2-t", POOL, "ana", "old2-f", now - 30 * DAY)).await.unwrap();
    a.rotate_refresh("live-t", now, refresh("live-t2", POOL, "ana", "live-f", now + DAY)).await.unwrap();
    assert_eq!(a.take_session("ancient2").await.unwrap_err(), StoreError::NotFound);
    assert!(!a.family_valid(POOL, "old2-f").await.unwrap());
    assert!(a.get_refresh("live-t").await.is_ok(), "the rotated token itself stays for now");
    assert!(a.get_refresh("live-t2").await.is_ok());

    // A token rotated long ago goes on its own while its family lives on.
    a.insert_refresh(refresh("rot-1", POOL, "ana", "rot-f", now + DAY)).await.unwrap();
    a.rotate_refresh("rot-1", now - 8 * DAY, refresh("rot-2", POOL, "ana", "rot-f", now + 2 * DAY)).await.unwrap();
    a.put_session(session("new2", POOL, "ana", now + 3 * MINUTE), vec![]).await.unwrap();
    assert_eq!(a.get_refresh("rot-1").await.unwrap_err(), StoreError::NotFound);
    assert!(a.get_refresh("rot-2").await.is_ok());
    assert!(a.family_valid(POOL, "rot-f").await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn new_sessions_and_rotations_purge_long_expired_rows() {
    on_both!(check_purges);
}

/// The periodic purge (`purge_expired`, which the server calls every few minutes with its own
/// time): what the writes purge, without any write, in bounded batches.
async fn check_periodic_purge<S: Store>(a: &S, _b: &S) {
    pool(a, POOL).await;
    user(a, POOL, "ana").await;
    let now = now_ms();
    let extra = 5;
    let ancient = PERIODIC_BATCH + extra;
    // Stored first: a newer session's write would purge the ancient ones, and equally old
    // sessions do not purge one another.
    a.put_session(session("recent", POOL, "ana", now - 30 * MINUTE), vec![]).await.unwrap();
    for n in 0..ancient {
        a.put_session(session(&format!("s{n}"), POOL, "ana", now - 2 * DAY), vec![]).await.unwrap();
    }
    a.insert_refresh(refresh("old-t", POOL, "ana", "old-f", now - 30 * DAY)).await.unwrap();
    a.insert_refresh(refresh("week-t", POOL, "ana", "week-f", now - 2 * DAY)).await.unwrap();
    a.insert_refresh(refresh("live-t", POOL, "ana", "live-f", now + DAY)).await.unwrap();

    // One call removes at most a batch of each table; the rest goes on the next calls.
    let first = a.purge_expired(now).await.unwrap();
    assert!(first >= PERIODIC_BATCH as u64 && first <= 3 * PERIODIC_BATCH as u64, "{first}");
    assert_eq!(a.purge_expired(now).await.unwrap(), extra as u64);
    assert_eq!(a.purge_expired(now).await.unwrap(), 0);
    assert_eq!(a.take_session("s0").await.unwrap_err(), StoreError::NotFound);
    assert_eq!(a.take_session(&format!("s{}", ancient - 1)).await.unwrap_err(), StoreError::NotFound);
    assert!(a.take_session("recent").await.is_ok(), "expired half an hour ago: kept");
    assert_eq!(a.get_refresh("old-t").await.unwrap_err(), StoreError::NotFound);
    assert!(!a.family_valid(POOL, "old-f").await.unwrap());
    assert!(a.get_refresh("week-t").await.is_ok(), "expired two days ago: kept");
    assert!(a.family_valid(POOL, "week-f").await.unwrap());
    assert!(a.get_refresh("live-t").await.is_ok());

    // The horizon is the time given (the server's clock, which tests move): a week past a
    // token's expiry it goes, not a moment before.
    a.purge_expired(now + 8 * DAY).await.unwrap();
    assert_eq!(a.get_refresh("week-t").await.unwrap_err(), StoreError::NotFound);
    assert!(!a.family_valid(POOL, "week-f").await.unwrap());
    assert!(a.get_refresh("live-t").await.is_ok(), "expired exactly a week before: kept");
    assert!(a.family_valid(POOL, "live-f").await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_periodic_purge_removes_long_expired_rows_in_bounded_batches() {
    on_both!(check_periodic_purge);
}

// --- upgrades

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_sqlite_file_of_schema_1_migrates_and_its_users_sign_in() {
    const V1_POOL: &str = "us-east-1_1GxYq6jyf";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema_v1.sql");
        let conn = rusqlite::Connection::open(&path).unwrap();
        // The dump lists tables alphabetically, so a row may come before the table it refers to.
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn.execute_batch(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    }
    let version = |path: &Path| -> i64 {
        rusqlite::Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(version(&path), 1);
    let store = SqliteStore::open(Location::File(path.clone()), Synchronous::Full).unwrap();
    assert_eq!(version(&path), cognito_idp_server::store::sqlite::SCHEMA_VERSION);

    // The old user is there, and the new state works for it, cascades included.
    assert_eq!(store.get_user(V1_POOL, "diego").await.unwrap().username, "diego");
    assert_eq!(put_secret(&store, V1_POOL, "keys", "k".into()).await.unwrap(), "k");
    everything_of(&store, V1_POOL, "diego").await;
    assert!(has_everything(&store, V1_POOL, "diego").await);
    store.delete_user(V1_POOL, "diego").await.unwrap();
    assert!(!has_everything(&store, V1_POOL, "diego").await);
    drop(store);

    // Opened again: nothing left to apply.
    let again = SqliteStore::open(Location::File(path.clone()), Synchronous::Full).unwrap();
    assert_eq!(secret(&again, V1_POOL, "keys").await.unwrap().as_deref(), Some("k"));
    assert_eq!(version(&path), cognito_idp_server::store::sqlite::SCHEMA_VERSION);
}

async fn applied(db: &tokio_postgres::Client) -> Vec<i64> {
    let rows = db.query("SELECT version FROM cognito_migrations ORDER BY version", &[]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgresql_database_of_schema_2_migrates_and_its_users_sign_in() {
    let Some(postgres) = Postgres::shared() else { return };
    let url = postgres.create_database().await;
    let options = PgOptions { url: url.clone(), ..PgOptions::default() };
    assert_eq!(migrate(&options, 2).await.unwrap(), 0);
    // Rows as a server of schema 2 wrote them.
    let db = pg::connect(&url).await;
    db.batch_execute(
        "INSERT INTO pools (id, version, doc) VALUES ('us-east-1_Old', 1, '{}');
         INSERT INTO users (pool_id, username, username_key, sub, version, status, enabled, created_ms, modified_ms, doc)
         VALUES ('us-east-1_Old', 'vera', 'vera', 'sub-vera', 1, 'CONFIRMED', true, 1, 1, '{\"attributes\":[]}');",
    )
    .await
    .unwrap();
    assert_eq!(applied(&db).await, [1, 2]);

    let store = PgStore::open(&options).await.unwrap();
    let all: Vec<i64> = (1..=cognito_idp_server::store::postgres::SCHEMA_VERSION).collect();
    assert_eq!(applied(&db).await, all);
    assert_eq!(store.get_user("us-east-1_Old", "vera").await.unwrap().sub, "sub-vera");
    everything_of(&store, "us-east-1_Old", "vera").await;
    assert!(has_everything(&store, "us-east-1_Old", "vera").await);

    // A database whose record of migrations was taken back by hand while the tables stayed
    // (as tests/postgres.rs does to imitate an older one) applies version 3 again harmlessly.
    db.batch_execute("DELETE FROM cognito_migrations WHERE version >= 3").await.unwrap();
    let store = PgStore::open(&options).await.unwrap();
    let all: Vec<i64> = (1..=cognito_idp_server::store::postgres::SCHEMA_VERSION).collect();
    assert_eq!(applied(&db).await, all);
    assert!(has_everything(&store, "us-east-1_Old", "vera").await, "and keeps what they hold");
}
