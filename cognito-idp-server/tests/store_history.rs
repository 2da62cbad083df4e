//! The history point-in-time recovery reads (`store::history`), on both backends through the
//! store itself: each write of a user, group or membership appends the record as it was before,
//! in its own transaction (a failed write leaves none); the pause refuses those writes and not
//! the recovery's own; the purge removes rows past the retention in bounded batches; history
//! off appends nothing.

mod common;

use cognito_idp_server::clock::Clock;
use cognito_idp_server::store::history::images::UserImage;
use cognito_idp_server::store::history::{PAUSE_KEY, PAUSE_KIND};
use cognito_idp_server::store::{
    AliasConflict, GroupRecord, PoolRecord, ResourceRecord, RestoreChange, Store, StoreError, UserRecord,
};
use common::stores::on_both;
use serde_json::json;

const POOL: &str = "us-east-1_Hist0ry1";
const DAY_MS: i64 = 24 * 3600 * 1000;

fn user(name: &str, given: &str) -> UserRecord {
    UserRecord {
        pool_id: POOL.into(),
        username: name.into(),
        username_key: name.into(),
        sub: format!("sub-{name}"),
        status: "CONFIRMED".into(),
        enabled: true,
        created_ms: 1,
        modified_ms: 1,
        attributes: vec![("given_name".into(), given.into())],
        ..Default::default()
    }
}

async fn check_history<S: Store + Clone>(a: &S, b: &S) {
    let clock = Clock::default();
    a.history().configure(clock.clone(), true, 14 * DAY_MS);
    b.history().configure(clock.clone(), true, 14 * DAY_MS);
    let pool = PoolRecord { seq: 0, id: POOL.into(), version: 0, doc: json!({ "Id": POOL }) };
    a.insert_pool(pool).await.unwrap();
    let start = clock.now_ms() - 1;
    let alice = a.insert_user(user("alice", "Alice"), vec![], AliasConflict::Fail, vec![]).await.unwrap();
    let group = GroupRecord { seq: 0, pool_id: POOL.into(), name: "admins".into(), version: 0, doc: json!({}) };
    a.insert_group(group).await.unwrap();
    a.add_member(POOL, "admins", "alice").await.unwrap();
    a.add_member(POOL, "admins", "alice").await.unwrap(); // no change, no row
    let changed = UserRecord { attributes: vec![("given_name".into(), "Al".into())], ..alice.clone() };
    b.update_user(changed, vec![], AliasConflict::Fail, vec![]).await.unwrap();
    // A stale write fails and leaves no row.
    assert_eq!(
        a.update_user(alice.clone(), vec![], AliasConflict::Fail, vec![]).await.unwrap_err(),
        StoreError::Conflict
    );
    a.delete_user(POOL, "alice").await.unwrap();

    let rows = b.history_since(POOL, start).await.unwrap();
    let shape: Vec<(&str, &str, bool)> =
        rows.iter().map(|r| (r.kind.as_str(), r.key.as_str(), r.before.is_some())).collect();
    assert_eq!(
        shape,
        vec![
            ("user", "alice", false),
            ("group", "admins", false),
            ("member", "admins\nalice", false),
            ("user", "alice", true),
            ("member", "admins\nalice", true),
            ("user", "alice", true),
        ]
    );
    let before: UserImage = serde_json::from_str(rows[3].before.as_deref().unwrap()).unwrap();
    let before = before.into_record(POOL, "alice");
    assert_eq!(
        (before.sub.as_str(), before.attribute("given_name"), before.enabled),
        ("sub-alice", Some("Alice"), true)
    );
    let last: UserImage = serde_json::from_str(rows[5].before.as_deref().unwrap()).unwrap();
    assert_eq!(last.doc.attribute("given_name"), Some("Al"));

    // Paused: user data writes refused on every instance; the recovery's own go through.
    let pause = ResourceRecord {
        seq: 0,
        pool_id: POOL.into(),
        kind: PAUSE_KIND.into(),
        key: PAUSE_KEY.into(),
        version: 0,
        doc: json!({ "restoreId": "r", "untilMs": clock.now_ms() + DAY_MS }),
        names: vec![],
    };
    a.insert_resource(pause).await.unwrap();
    let bob = user("bob", "Bob");
    assert_eq!(b.insert_user(bob.clone(), vec![], AliasConflict::Fail, vec![]).await.unwrap_err(), StoreError::Paused);
    assert_eq!(a.remove_member(POOL, "admins", "nobody").await.unwrap_err(), StoreError::NotFound);
    assert_eq!(b.delete_group(POOL, "admins").await.unwrap_err(), StoreError::Paused);
    let restore = vec![
        RestoreChange::AddMember("admins".into(), "alice".into()),
        RestoreChange::PutUser { user: Box::new(before.clone()), aliases: vec![] },
    ];
    b.apply_restore(POOL, restore).await.unwrap();
    let back = a.get_user(POOL, "alice").await.unwrap();
    assert_eq!((back.sub.as_str(), back.attribute("given_name")), ("sub-alice", Some("Alice")));
    assert_eq!(a.list_user_groups(POOL, "alice", 0, 10).await.unwrap().items.len(), 1);
    a.delete_resource(POOL, PAUSE_KIND, PAUSE_KEY).await.unwrap();
    b.insert_user(bob, vec![], AliasConflict::Fail, vec![]).await.unwrap();

    // Purged once past the retention, in bounded batches.
    let kept = a.history_since(POOL, start).await.unwrap().len();
    assert_eq!(kept, 9, "the restore's two changes and bob's creation were kept too");
    a.purge_expired(clock.now_ms() + 13 * DAY_MS).await.unwrap();
    assert_eq!(a.history_since(POOL, start).await.unwrap().len(), kept, "within the retention");
    a.purge_expired(clock.now_ms() + 15 * DAY_MS).await.unwrap();
    assert!(a.history_since(POOL, start).await.unwrap().is_empty());

    // History off: nothing appended, nothing paused.
    a.history().configure(clock.clone(), false, 14 * DAY_MS);
    let carol = user("carol", "Carol");
    a.insert_user(carol, vec![], AliasConflict::Fail, vec![]).await.unwrap();
    assert!(a.history_since(POOL, start).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_keep_history_obey_the_pause_and_history_is_purged() {
    on_both!(check_history);
}
