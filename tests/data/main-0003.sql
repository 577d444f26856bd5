-- A database written by main at dcf73b5 (schema revision 0003), before signing keys, PIN reset
-- codes and audit key ids: cases at every step of SOP ldk v1, with the audit key of tests/conftest.py.
-- tests/test_upgrade.py loads it, upgrades it and runs every case to its end. Made once with:
--
-- """One-shot: a database written by main at dcf73b5 (schema 0003), cases at every step, dumped as SQL."""
-- import sqlite3, sys
-- from pathlib import Path
-- sys.path.insert(0, "/work/main")
-- from tests.conftest import Clock, build_services, letter, HERE, WIB
-- from tests.driving import drive_to, dispatch, step_action
-- from workflow.roster import load_roster
-- from workflow.sop import load_sops
-- from workflow.service.pins import Pins
-- from workflow.commands import Reject, TickItem
-- from workflow.states import ChecklistItem
-- from datetime import datetime, UTC
-- from dataclasses import replace
-- 
-- path = Path("/tmp/legacy/legacy.db"); path.unlink(missing_ok=True)
-- sops = {**load_sops(), **load_sops(HERE / "sops")}
-- roles = {r.key for s in sops.values() for r in s.roles}
-- roster = load_roster(HERE / "data" / "roster.toml", roles, WIB)
-- # stand-ins kept: the upgrade backfills who set them
-- clock = Clock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
-- cases, sessions, engine = build_services(f"sqlite:///{path}", sops, roster, clock, migrate=True)
-- Pins(sessions, clock).set("dir", "246810")
-- numbers = {}
-- for step in range(1, 9):
--     clock.advance(minutes=3)
--     n = cases.open_case(letter(number=f"470/{100+step}/DUKCAPIL"), "tu1").number
--     drive_to(cases, n, step, clock=clock)
--     numbers[step] = n
-- # at step 8: one with two ticks, one with 'sent' ticked
-- for ticks in ([ChecklistItem.DUPLICATED, ChecklistItem.ARCHIVED], [ChecklistItem.DUPLICATED, ChecklistItem.ARCHIVED, ChecklistItem.SENT]):
--     clock.advance(minutes=3)
--     n = cases.open_case(letter(number=f"470/2{len(ticks)}0/DUKCAPIL"), "tu1").number
--     drive_to(cases, n, 8, clock=clock)
--     dispatch(cases, n, ticks, clock=clock)
-- clock.advance(minutes=3)
-- n = cases.open_case(letter(number="470/300/DUKCAPIL"), "tu1").number
-- drive_to(cases, n, 8, clock=clock); dispatch(cases, n, clock=clock)
-- clock.advance(minutes=3)
-- n = cases.open_case(letter(number="470/301/DUKCAPIL"), "tu1").number
-- drive_to(cases, n, 2, clock=clock)
-- cases.act(n, "ksd1", Reject(reason="Tidak lengkap"))
-- # a case without a scan, waiting at step 7
-- clock.advance(minutes=3)
-- n = cases.open_case(letter(number="470/302/DUKCAPIL", scan=None), "tu1").number
-- drive_to(cases, n, 7, clock=clock)
-- engine.dispose()
-- con = sqlite3.connect(path)
-- Path("/work/main/tests/data/main-0003.sql").write_text("\n".join(con.iterdump()) + "\n")
-- print(numbers)

BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0003');
CREATE TABLE audit (
	id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	prev_mac VARCHAR(64) NOT NULL, 
	mac VARCHAR(64) NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(100) NOT NULL, 
	acting_for VARCHAR(64), 
	action VARCHAR(40) NOT NULL, 
	case_id INTEGER, 
	step_id INTEGER, 
	result VARCHAR(16) NOT NULL, 
	reason_code VARCHAR(40), 
	message TEXT NOT NULL, 
	detail JSON NOT NULL, 
	CONSTRAINT pk_audit PRIMARY KEY (id), 
	CONSTRAINT fk_audit_case_id_cases FOREIGN KEY(case_id) REFERENCES cases (id)
);
INSERT INTO "audit" VALUES(1,1,'0000000000000000000000000000000000000000000000000000000000000000','6922336885c9cdd3dc031d98c3d8da90092360ce5c4a0e32ac2f8c307dabdd11','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "dir", "name": "Dr. Andi Direktur", "nip": "196801011990031001", "role": "direktur", "reports_to": null, "digest": true, "active": true}');
INSERT INTO "audit" VALUES(2,2,'6922336885c9cdd3dc031d98c3d8da90092360ce5c4a0e32ac2f8c307dabdd11','6229fc64f4105a9eaea682209c00c933a1e1fd1d82467872c6d8b08b9fa39773','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "ksd1", "name": "Budi Kasubdit", "nip": null, "role": "kasubdit", "reports_to": "dir", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(3,3,'6229fc64f4105a9eaea682209c00c933a1e1fd1d82467872c6d8b08b9fa39773','236cce6c239419e4aea0ed7ee257d4ab0a570250b01441d26ae165b80b50145d','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "ksd2", "name": "Citra Kasubdit", "nip": null, "role": "kasubdit", "reports_to": "dir", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(4,4,'236cce6c239419e4aea0ed7ee257d4ab0a570250b01441d26ae165b80b50145d','a1095f64065991f12ad22c9eb86c2d6681c722e75d0abc613d49ff19d0601641','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "kasi1", "name": "Dewi Kasi", "nip": null, "role": "kasi", "reports_to": "ksd1", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(5,5,'a1095f64065991f12ad22c9eb86c2d6681c722e75d0abc613d49ff19d0601641','5a75a05082450616a954d4553de45d005e172e2711f5e0e53732801f07e7988d','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "kasi2", "name": "Eko Kasi", "nip": null, "role": "kasi", "reports_to": "ksd2", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(6,6,'5a75a05082450616a954d4553de45d005e172e2711f5e0e53732801f07e7988d','76463f8974a17f274ad806c47cc49bb1d5809614178b7d9474bfe753bf8bcf37','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "op1", "name": "Fajar Operator", "nip": null, "role": "jfu", "reports_to": "kasi1", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(7,7,'76463f8974a17f274ad806c47cc49bb1d5809614178b7d9474bfe753bf8bcf37','8b40f8c8eb441269c32356dd454fb9e476db64a3ac3e929ab3b98cf6df5896a7','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "op2", "name": "Gita Operator", "nip": null, "role": "jfu", "reports_to": "kasi1", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(8,8,'8b40f8c8eb441269c32356dd454fb9e476db64a3ac3e929ab3b98cf6df5896a7','e955c877bb922c22556a666d70f296a36c69f20717a4f36799a6e8f870957693','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "op3", "name": "Hadi Operator", "nip": null, "role": "jfu", "reports_to": "kasi2", "digest": false, "active": true}');
INSERT INTO "audit" VALUES(9,9,'e955c877bb922c22556a666d70f296a36c69f20717a4f36799a6e8f870957693','1c3b63c410d7bc5fa470cfbde7947761b61ab99f41b23690728b3d5bd0bc0c73','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "tu1", "name": "Indah TU", "nip": null, "role": "tu", "reports_to": null, "digest": false, "active": true}');
INSERT INTO "audit" VALUES(10,10,'1c3b63c410d7bc5fa470cfbde7947761b61ab99f41b23690728b3d5bd0bc0c73','17f17d91e65c2b944cd0c9a9b5c630f67ca41491930f8b0fba02c5176eda2cf5','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_added',NULL,NULL,'ok',NULL,'','{"official": "adm", "name": "Joko Admin", "nip": null, "role": "admin", "reports_to": null, "digest": false, "active": true}');
INSERT INTO "audit" VALUES(11,11,'17f17d91e65c2b944cd0c9a9b5c630f67ca41491930f8b0fba02c5176eda2cf5','4525caffbf7a0a4250cb7ccec26fd03caf23fcba62fc8d9df83f0e6bc9727bb2','2026-11-24 02:00:00.000000','cli:test',NULL,'roster_stand_in_added',NULL,NULL,'ok',NULL,'','{"official": "ksd1", "for": "dir", "from": "2026-11-30T17:00:00+00:00", "until": "2026-12-07T17:00:00+00:00", "sp_number": "SP-001/DIR/XII/2026"}');
INSERT INTO "audit" VALUES(12,12,'4525caffbf7a0a4250cb7ccec26fd03caf23fcba62fc8d9df83f0e6bc9727bb2','21af4b91ec65694f774368d7a12af71c4f76b13378b99dbc2ce1c70d93a1fd01','2026-11-24 02:00:00.000000','dir',NULL,'pin_set',NULL,NULL,'ok',NULL,'','{}');
INSERT INTO "audit" VALUES(13,13,'21af4b91ec65694f774368d7a12af71c4f76b13378b99dbc2ce1c70d93a1fd01','aa1b6455380f2642f76e78fbbc1688393a3fbb0b08ba7ef0188935a470095510','2026-11-24 02:03:00.000000','tu1',NULL,'open_case',1,1,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/101/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(14,14,'aa1b6455380f2642f76e78fbbc1688393a3fbb0b08ba7ef0188935a470095510','baa49c5fe38caefdf81af4d750dd2acfe077b4e7517cdb57c65caef8e5c651fa','2026-11-24 02:06:00.000000','tu1',NULL,'open_case',2,2,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/102/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(15,15,'baa49c5fe38caefdf81af4d750dd2acfe077b4e7517cdb57c65caef8e5c651fa','8133059c61788ad0a173cb36a0461ba632b76fca1e93e76bb1b1efc2e3820f76','2026-11-24 02:07:00.000000','dir',NULL,'forward',2,2,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(16,16,'8133059c61788ad0a173cb36a0461ba632b76fca1e93e76bb1b1efc2e3820f76','fa85cbcacbd3a08f23b5bdc14ca28f2da1bc1983a85e34ca54b96b8073b17948','2026-11-24 02:10:00.000000','tu1',NULL,'open_case',3,4,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/103/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(17,17,'fa85cbcacbd3a08f23b5bdc14ca28f2da1bc1983a85e34ca54b96b8073b17948','da09a2899f46bfd7f83737a800af49aef4a5bada8c4e98f1de635073635f1c98','2026-11-24 02:11:00.000000','dir',NULL,'forward',3,4,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(18,18,'da09a2899f46bfd7f83737a800af49aef4a5bada8c4e98f1de635073635f1c98','70905a0c91078c2e904d311f899c62c21d3fbc722f76485ed7f4a97867248ae1','2026-11-24 02:12:00.000000','ksd1',NULL,'forward',3,5,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(19,19,'70905a0c91078c2e904d311f899c62c21d3fbc722f76485ed7f4a97867248ae1','af4d56428dab901db86f13b2abfa04ebf8b436a073ec7b503953af9a6f88b0a1','2026-11-24 02:15:00.000000','tu1',NULL,'open_case',4,7,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/104/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(20,20,'af4d56428dab901db86f13b2abfa04ebf8b436a073ec7b503953af9a6f88b0a1','b50df29fdba784a08aa4fd158f77698e9ba0f8faa5958c80a2a8f97c1e233beb','2026-11-24 02:16:00.000000','dir',NULL,'forward',4,7,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(21,21,'b50df29fdba784a08aa4fd158f77698e9ba0f8faa5958c80a2a8f97c1e233beb','5a889320e0e406fb5541dd768875a801ab30580d11a27a132836909198e68691','2026-11-24 02:17:00.000000','ksd1',NULL,'forward',4,8,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(22,22,'5a889320e0e406fb5541dd768875a801ab30580d11a27a132836909198e68691','d356c3081beaf10bd4cd7c6fccc2763f395e3ba00c6f1c1f7d234ad114bb013f','2026-11-24 02:18:00.000000','kasi1',NULL,'forward',4,9,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(23,23,'d356c3081beaf10bd4cd7c6fccc2763f395e3ba00c6f1c1f7d234ad114bb013f','3a521d03e02944c4139e648d02c39fb43c38a472754b4b92d993b0e0c918d8a5','2026-11-24 02:21:00.000000','tu1',NULL,'open_case',5,11,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/105/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(24,24,'3a521d03e02944c4139e648d02c39fb43c38a472754b4b92d993b0e0c918d8a5','e087aaa6ad3b4d46291564dd10a2fb041bd9d3f4d95b082e07d570c35c9ce09e','2026-11-24 02:22:00.000000','dir',NULL,'forward',5,11,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(25,25,'e087aaa6ad3b4d46291564dd10a2fb041bd9d3f4d95b082e07d570c35c9ce09e','03f02bd9740aa47c64c3c562c46fcec1846cfd52831ef0fc9ba4b00551c1b7e1','2026-11-24 02:23:00.000000','ksd1',NULL,'forward',5,12,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(26,26,'03f02bd9740aa47c64c3c562c46fcec1846cfd52831ef0fc9ba4b00551c1b7e1','99b18f9c30ed89d6a1f6653ac1f87880405b9afb2bd32c99e3dda9100951573d','2026-11-24 02:24:00.000000','kasi1',NULL,'forward',5,13,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(27,27,'99b18f9c30ed89d6a1f6653ac1f87880405b9afb2bd32c99e3dda9100951573d','b7acfd8b3aaae86e71c1463825e7e97b1eb896c3b1de9292302285bd8b86667c','2026-11-24 02:25:00.000000','op2',NULL,'submit_manifest',5,14,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(28,28,'b7acfd8b3aaae86e71c1463825e7e97b1eb896c3b1de9292302285bd8b86667c','74442effd5be083bebc7e4c0c1cd9c52ca65f3804bbd29db0f5c269f3687fdd0','2026-11-24 02:28:00.000000','tu1',NULL,'open_case',6,16,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/106/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(29,29,'74442effd5be083bebc7e4c0c1cd9c52ca65f3804bbd29db0f5c269f3687fdd0','0426a101f0461d4394b7b689f4926dbb52a762c096dcabfb8ef986c3cf8fae7b','2026-11-24 02:29:00.000000','dir',NULL,'forward',6,16,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(30,30,'0426a101f0461d4394b7b689f4926dbb52a762c096dcabfb8ef986c3cf8fae7b','0af45258a89918b0f2ba22c24e4e800f0dc89586146383a1a00e4447fcef7739','2026-11-24 02:30:00.000000','ksd1',NULL,'forward',6,17,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(31,31,'0af45258a89918b0f2ba22c24e4e800f0dc89586146383a1a00e4447fcef7739','db1fe970d1931a6c9fd0b54d7d481860ac67af3eff28065858b7d96a3687cb20','2026-11-24 02:31:00.000000','kasi1',NULL,'forward',6,18,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(32,32,'db1fe970d1931a6c9fd0b54d7d481860ac67af3eff28065858b7d96a3687cb20','225987937c3dc1a08d53d01d3e6a2b9dc3ae33232a09e676440c5cb3b86b1cfc','2026-11-24 02:32:00.000000','op2',NULL,'submit_manifest',6,19,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(33,33,'225987937c3dc1a08d53d01d3e6a2b9dc3ae33232a09e676440c5cb3b86b1cfc','8f71a8c996b04807adeffd081015e04fb4bdd341a34a7a6016bebac01a0ee34d','2026-11-24 02:33:00.000000','kasi1',NULL,'accept_manifest',6,20,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(34,34,'8f71a8c996b04807adeffd081015e04fb4bdd341a34a7a6016bebac01a0ee34d','9636f1a60d895c372f0e155c9998d227ea629bd48b320fe9ef9c96322b05d6ed','2026-11-24 02:36:00.000000','tu1',NULL,'open_case',7,22,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/107/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(35,35,'9636f1a60d895c372f0e155c9998d227ea629bd48b320fe9ef9c96322b05d6ed','e180a59c1a3f7ce63290e01f1db7e369a382a1bc1958f13e34fa7e4243ffc894','2026-11-24 02:37:00.000000','dir',NULL,'forward',7,22,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(36,36,'e180a59c1a3f7ce63290e01f1db7e369a382a1bc1958f13e34fa7e4243ffc894','9c9342feaf4898dd6da8e52e43559ade49074e7da58d1f07c8044909b0782526','2026-11-24 02:38:00.000000','ksd1',NULL,'forward',7,23,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(37,37,'9c9342feaf4898dd6da8e52e43559ade49074e7da58d1f07c8044909b0782526','e7bb7c2b71c172532e971c0e0826ed7e53b3fda42c154c9eefa981f93341b31a','2026-11-24 02:39:00.000000','kasi1',NULL,'forward',7,24,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(38,38,'e7bb7c2b71c172532e971c0e0826ed7e53b3fda42c154c9eefa981f93341b31a','9d8261ecb8fd06d3a5c51bf08a9251f95e2f46dd9ec90885e049856ce05563cc','2026-11-24 02:40:00.000000','op2',NULL,'submit_manifest',7,25,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(39,39,'9d8261ecb8fd06d3a5c51bf08a9251f95e2f46dd9ec90885e049856ce05563cc','3f603e495c749e5b6535b93c8cc5207e78aa76ad992137c2bb0b637367bdc498','2026-11-24 02:41:00.000000','kasi1',NULL,'accept_manifest',7,26,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(40,40,'3f603e495c749e5b6535b93c8cc5207e78aa76ad992137c2bb0b637367bdc498','2f21cd8836412dd30dd37d9d9fa3ca9608bc1fa92fe9f5f6428f3dd5f174f9e2','2026-11-24 02:42:00.000000','ksd1',NULL,'forward',7,27,'ok',NULL,'','{"step_no": 6, "note": "", "instruction": "Untuk diperhatikan", "to": "dir"}');
INSERT INTO "audit" VALUES(41,41,'2f21cd8836412dd30dd37d9d9fa3ca9608bc1fa92fe9f5f6428f3dd5f174f9e2','d09356659fdb9dadeef19ec2aab8f6cb51870a67af3cd48051df55e2007bbf17','2026-11-24 02:45:00.000000','tu1',NULL,'open_case',8,29,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/108/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(42,42,'d09356659fdb9dadeef19ec2aab8f6cb51870a67af3cd48051df55e2007bbf17','e8a3da58feef2c9bf2126655123b76c8fe814bbd954d382d44cf68685eebc5ea','2026-11-24 02:46:00.000000','dir',NULL,'forward',8,29,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(43,43,'e8a3da58feef2c9bf2126655123b76c8fe814bbd954d382d44cf68685eebc5ea','8a7fdc1b1d683b7a922162028c179115cad43b9871711e4f781e1dcf82f20a79','2026-11-24 02:47:00.000000','ksd1',NULL,'forward',8,30,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(44,44,'8a7fdc1b1d683b7a922162028c179115cad43b9871711e4f781e1dcf82f20a79','f3813fae47b15b1454a518c4944856346680b3eee18f442874af8354aa47ffb7','2026-11-24 02:48:00.000000','kasi1',NULL,'forward',8,31,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(45,45,'f3813fae47b15b1454a518c4944856346680b3eee18f442874af8354aa47ffb7','63e98fd7125c0672e711c083898a9e9c13b70349d67c56d2684a7ac7a47bcc6a','2026-11-24 02:49:00.000000','op2',NULL,'submit_manifest',8,32,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(46,46,'63e98fd7125c0672e711c083898a9e9c13b70349d67c56d2684a7ac7a47bcc6a','14d81416db87d6868fdc336c39184132dd4924b63fe4c719c279662e08d7b8fe','2026-11-24 02:50:00.000000','kasi1',NULL,'accept_manifest',8,33,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(47,47,'14d81416db87d6868fdc336c39184132dd4924b63fe4c719c279662e08d7b8fe','ec50197a3d8e3a4351267be9546302a9825becf08c42c61cdf80b253ca1404f0','2026-11-24 02:51:00.000000','ksd1',NULL,'forward',8,34,'ok',NULL,'','{"step_no": 6, "note": "", "instruction": "Untuk diperhatikan", "to": "dir"}');
INSERT INTO "audit" VALUES(48,48,'ec50197a3d8e3a4351267be9546302a9825becf08c42c61cdf80b253ca1404f0','4fae2013f5535c93fd1013423e9ecbae4fa6c3892755e7e422c4e42b62ae488e','2026-11-24 02:52:00.000000','dir',NULL,'sign',8,35,'ok',NULL,'','{"step_no": 7, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "op2"}');
INSERT INTO "audit" VALUES(49,49,'4fae2013f5535c93fd1013423e9ecbae4fa6c3892755e7e422c4e42b62ae488e','be1e923b652c3e91d4237a80d07f116d5150c2fb5313ec252fdeeb423366d983','2026-11-24 02:55:00.000000','tu1',NULL,'open_case',9,37,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/220/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(50,50,'be1e923b652c3e91d4237a80d07f116d5150c2fb5313ec252fdeeb423366d983','a80a8f25d5d293ec9da8a566faa351660be62bb6c9e51698fa8dec25b080af9e','2026-11-24 02:56:00.000000','dir',NULL,'forward',9,37,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(51,51,'a80a8f25d5d293ec9da8a566faa351660be62bb6c9e51698fa8dec25b080af9e','7429efed100742ca118a07bf9170c9412fad6b040ed62aa2bc1c3b6069d611f2','2026-11-24 02:57:00.000000','ksd1',NULL,'forward',9,38,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(52,52,'7429efed100742ca118a07bf9170c9412fad6b040ed62aa2bc1c3b6069d611f2','1e5f81d9ff07de8a2457ea5a18461de143cf4254b1a1b0449226bea7404b5e11','2026-11-24 02:58:00.000000','kasi1',NULL,'forward',9,39,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(53,53,'1e5f81d9ff07de8a2457ea5a18461de143cf4254b1a1b0449226bea7404b5e11','5b23b4ed16c9b070774bbe3d39bc46b9954823cdf257176d49d8467c6728e52c','2026-11-24 02:59:00.000000','op2',NULL,'submit_manifest',9,40,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(54,54,'5b23b4ed16c9b070774bbe3d39bc46b9954823cdf257176d49d8467c6728e52c','82fd1baac66c86b4635f647c831b8a02afd8ac6f3eb4bce5520942ecc467cc94','2026-11-24 03:00:00.000000','kasi1',NULL,'accept_manifest',9,41,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(55,55,'82fd1baac66c86b4635f647c831b8a02afd8ac6f3eb4bce5520942ecc467cc94','b955f1c6742e64aa83746a23ef2d9fbb1d17a8ec89947a066b80beab3e335e92','2026-11-24 03:01:00.000000','ksd1',NULL,'forward',9,42,'ok',NULL,'','{"step_no": 6, "note": "", "instruction": "Untuk diperhatikan", "to": "dir"}');
INSERT INTO "audit" VALUES(56,56,'b955f1c6742e64aa83746a23ef2d9fbb1d17a8ec89947a066b80beab3e335e92','48ec4a1846479cab0b3a27f1d869d20a7e4ad41ca59d2085e40211c7f5483bf9','2026-11-24 03:02:00.000000','dir',NULL,'sign',9,43,'ok',NULL,'','{"step_no": 7, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "op2"}');
INSERT INTO "audit" VALUES(57,57,'48ec4a1846479cab0b3a27f1d869d20a7e4ad41ca59d2085e40211c7f5483bf9','714e0bad1c59d58d8d56efaac59af877890e939bfa7e1eed5ca972aaedfe8a9a','2026-11-24 03:03:00.000000','op2',NULL,'tick_item',9,44,'ok',NULL,'','{"step_no": 8, "item": "duplicated", "value": ""}');
INSERT INTO "audit" VALUES(58,58,'714e0bad1c59d58d8d56efaac59af877890e939bfa7e1eed5ca972aaedfe8a9a','8f8b76627ee039788e55c2f67ab3f86e5da703d87eb68932f213964f7f7afb1f','2026-11-24 03:04:00.000000','op2',NULL,'tick_item',9,44,'ok',NULL,'','{"step_no": 8, "item": "archived", "value": "ARS-2026-001"}');
INSERT INTO "audit" VALUES(59,59,'8f8b76627ee039788e55c2f67ab3f86e5da703d87eb68932f213964f7f7afb1f','3300ffa8dd1d3a29e57c4d8a5cbbe723f59d057ecce5d6eca0dcd08dc4d85bcd','2026-11-24 03:07:00.000000','tu1',NULL,'open_case',10,45,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/230/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(60,60,'3300ffa8dd1d3a29e57c4d8a5cbbe723f59d057ecce5d6eca0dcd08dc4d85bcd','fb6b9e737ac9d46fe017dad5a4a4c14a703776f8818d8765432193543540773e','2026-11-24 03:08:00.000000','dir',NULL,'forward',10,45,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(61,61,'fb6b9e737ac9d46fe017dad5a4a4c14a703776f8818d8765432193543540773e','9a4d4dfbd942a8a4a33d6fdf289c59f31a061db38985f94cb003a17104801fe0','2026-11-24 03:09:00.000000','ksd1',NULL,'forward',10,46,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(62,62,'9a4d4dfbd942a8a4a33d6fdf289c59f31a061db38985f94cb003a17104801fe0','4faa4cccb37f7e53dccfd26ba40621f16fa70b111d793cba2d143e822a2e1f56','2026-11-24 03:10:00.000000','kasi1',NULL,'forward',10,47,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(63,63,'4faa4cccb37f7e53dccfd26ba40621f16fa70b111d793cba2d143e822a2e1f56','671313205d54e53727a149d9f49289ddb4a92d024b091b7109ee76d3dffb7d16','2026-11-24 03:11:00.000000','op2',NULL,'submit_manifest',10,48,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(64,64,'671313205d54e53727a149d9f49289ddb4a92d024b091b7109ee76d3dffb7d16','e407a58eb9b0fe2445ae73693e6e264cbc28d1d386bb8609ff9c16c2e473ac6a','2026-11-24 03:12:00.000000','kasi1',NULL,'accept_manifest',10,49,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(65,65,'e407a58eb9b0fe2445ae73693e6e264cbc28d1d386bb8609ff9c16c2e473ac6a','e780d75f036efed1728c83841f0283e1a1096835ca2ac17d627d74c377c83c1a','2026-11-24 03:13:00.000000','ksd1',NULL,'forward',10,50,'ok',NULL,'','{"step_no": 6, "note": "", "instruction": "Untuk diperhatikan", "to": "dir"}');
INSERT INTO "audit" VALUES(66,66,'e780d75f036efed1728c83841f0283e1a1096835ca2ac17d627d74c377c83c1a','c0244e737c9a94e397de81d93433040111beb30dec09cb3deaae17a62710c54f','2026-11-24 03:14:00.000000','dir',NULL,'sign',10,51,'ok',NULL,'','{"step_no": 7, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "op2"}');
INSERT INTO "audit" VALUES(67,67,'c0244e737c9a94e397de81d93433040111beb30dec09cb3deaae17a62710c54f','440039473f101b2d719f0c81f9d31052da28c10e4b9a0ea36263b257859dc1ad','2026-11-24 03:15:00.000000','op2',NULL,'tick_item',10,52,'ok',NULL,'','{"step_no": 8, "item": "duplicated", "value": ""}');
INSERT INTO "audit" VALUES(68,68,'440039473f101b2d719f0c81f9d31052da28c10e4b9a0ea36263b257859dc1ad','9ef6ce1ae3001f6052a57db0e01935963ae516fdf1a762acd1af5550507589df','2026-11-24 03:16:00.000000','op2',NULL,'tick_item',10,52,'ok',NULL,'','{"step_no": 8, "item": "archived", "value": "ARS-2026-001"}');
INSERT INTO "audit" VALUES(69,69,'9ef6ce1ae3001f6052a57db0e01935963ae516fdf1a762acd1af5550507589df','64159cbbb3b836818e416eb8b56997dc23b2ebe0dc78db1bac22ac70440be93a','2026-11-24 03:17:00.000000','op2',NULL,'tick_item',10,52,'ok',NULL,'','{"step_no": 8, "item": "sent", "value": "email"}');
INSERT INTO "audit" VALUES(70,70,'64159cbbb3b836818e416eb8b56997dc23b2ebe0dc78db1bac22ac70440be93a','1a615ba7b04b5e6eae6bb5a84cd7acc3e4d2d8158c021d380f16cffee255b725','2026-11-24 03:20:00.000000','tu1',NULL,'open_case',11,53,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/300/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(71,71,'1a615ba7b04b5e6eae6bb5a84cd7acc3e4d2d8158c021d380f16cffee255b725','877627304c8b39bd08deba89c65af6e40907a125aa1e46cd83487447f1a142aa','2026-11-24 03:21:00.000000','dir',NULL,'forward',11,53,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(72,72,'877627304c8b39bd08deba89c65af6e40907a125aa1e46cd83487447f1a142aa','df515a8f22edf9972fe25ebad14900f28ddf0d60024cf99cdf1eaf7c15bfd067','2026-11-24 03:22:00.000000','ksd1',NULL,'forward',11,54,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(73,73,'df515a8f22edf9972fe25ebad14900f28ddf0d60024cf99cdf1eaf7c15bfd067','d7af104e6251f1feecf15230854d416273f571f3aa8e8ad07173f15816dd5d11','2026-11-24 03:23:00.000000','kasi1',NULL,'forward',11,55,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(74,74,'d7af104e6251f1feecf15230854d416273f571f3aa8e8ad07173f15816dd5d11','4366eea5ae6f9234adf4bdcfa492ea4d06b37f5ae832d161a80554927324858f','2026-11-24 03:24:00.000000','op2',NULL,'submit_manifest',11,56,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(75,75,'4366eea5ae6f9234adf4bdcfa492ea4d06b37f5ae832d161a80554927324858f','153147afcd70438ee8b928623def8430405fd7f2e626c9a2aaf1eddb25a8a253','2026-11-24 03:25:00.000000','kasi1',NULL,'accept_manifest',11,57,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(76,76,'153147afcd70438ee8b928623def8430405fd7f2e626c9a2aaf1eddb25a8a253','45fe1c5bbce5983378f393a16ecafa240a5bd1bd742116db1dd5fa76ad61c449','2026-11-24 03:26:00.000000','ksd1',NULL,'forward',11,58,'ok',NULL,'','{"step_no": 6, "note": "", "instruction": "Untuk diperhatikan", "to": "dir"}');
INSERT INTO "audit" VALUES(77,77,'45fe1c5bbce5983378f393a16ecafa240a5bd1bd742116db1dd5fa76ad61c449','8961b44226c5baa71bb4755b6e647432f692b86d786e506bb038a58c9602f089','2026-11-24 03:27:00.000000','dir',NULL,'sign',11,59,'ok',NULL,'','{"step_no": 7, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "op2"}');
INSERT INTO "audit" VALUES(78,78,'8961b44226c5baa71bb4755b6e647432f692b86d786e506bb038a58c9602f089','eb308743174a38538c9bf6e061d70561c42c312d9ddd77964a0b962c39e45e08','2026-11-24 03:28:00.000000','op2',NULL,'tick_item',11,60,'ok',NULL,'','{"step_no": 8, "item": "duplicated", "value": ""}');
INSERT INTO "audit" VALUES(79,79,'eb308743174a38538c9bf6e061d70561c42c312d9ddd77964a0b962c39e45e08','a402fcc61807ae4451804477e5066059921623c13b1f92cf34112b0be315f974','2026-11-24 03:29:00.000000','op2',NULL,'tick_item',11,60,'ok',NULL,'','{"step_no": 8, "item": "archived", "value": "ARS-2026-001"}');
INSERT INTO "audit" VALUES(80,80,'a402fcc61807ae4451804477e5066059921623c13b1f92cf34112b0be315f974','c16cf8eb0f616d85ada428fd9aac8377afea833ebf665413013e13c81340173b','2026-11-24 03:30:00.000000','op2',NULL,'tick_item',11,60,'ok',NULL,'','{"step_no": 8, "item": "sent", "value": "email"}');
INSERT INTO "audit" VALUES(81,81,'c16cf8eb0f616d85ada428fd9aac8377afea833ebf665413013e13c81340173b','42cfeb82924047978526acd24115134444b60ebd261c936a803fdbcd9f74f08e','2026-11-24 03:31:00.000000','op2',NULL,'tick_item',11,60,'ok',NULL,'','{"step_no": 8, "item": "receipt", "value": "TT-009", "closed": true}');
INSERT INTO "audit" VALUES(82,82,'42cfeb82924047978526acd24115134444b60ebd261c936a803fdbcd9f74f08e','b0c8cfa6df68f241975e59a6fef303c7386301e8a9697e4795746cc1d93f1e15','2026-11-24 03:34:00.000000','tu1',NULL,'open_case',12,61,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/301/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}');
INSERT INTO "audit" VALUES(83,83,'b0c8cfa6df68f241975e59a6fef303c7386301e8a9697e4795746cc1d93f1e15','b7beca46f05f5a622239490f3acd15322beac6e8c0c654861c0b10ce098b11e5','2026-11-24 03:35:00.000000','dir',NULL,'forward',12,61,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(84,84,'b7beca46f05f5a622239490f3acd15322beac6e8c0c654861c0b10ce098b11e5','6ccc821cd4af9b6865ad0cd6bed520646164ca71905735fc20602d84dee4137e','2026-11-24 03:35:00.000000','ksd1',NULL,'reject',12,62,'ok',NULL,'','{"step_no": 2, "reason": "Tidak lengkap"}');
INSERT INTO "audit" VALUES(85,85,'6ccc821cd4af9b6865ad0cd6bed520646164ca71905735fc20602d84dee4137e','58c985479892b4ded1cc4b1a1a234a11e279ca84a6728e9eb93fc25052ac8d30','2026-11-24 03:38:00.000000','tu1',NULL,'open_case',13,63,'ok',NULL,'','{"step_no": 1, "to": "dir", "forced": false, "letter": {"number": "470/302/DUKCAPIL", "date": "2026-11-20", "institution": "BPJS Kesehatan", "purpose": "Verifikasi data peserta", "pks_number": null, "scan_sha256": null}}');
INSERT INTO "audit" VALUES(86,86,'58c985479892b4ded1cc4b1a1a234a11e279ca84a6728e9eb93fc25052ac8d30','63caaf21835528d9429965db9637f105e3142a4e7ab05370710a89d700755bf9','2026-11-24 03:39:00.000000','dir',NULL,'forward',13,63,'ok',NULL,'','{"step_no": 1, "note": "", "instruction": "Untuk diproses", "to": "ksd1"}');
INSERT INTO "audit" VALUES(87,87,'63caaf21835528d9429965db9637f105e3142a4e7ab05370710a89d700755bf9','1ff637b4cf2b273a19be7915967c275259e6d9e8f94339ea35e8ae344d71ed6e','2026-11-24 03:40:00.000000','ksd1',NULL,'forward',13,64,'ok',NULL,'','{"step_no": 2, "note": "Mohon diproses", "instruction": "Untuk diproses", "to": "kasi1"}');
INSERT INTO "audit" VALUES(88,88,'1ff637b4cf2b273a19be7915967c275259e6d9e8f94339ea35e8ae344d71ed6e','c1922a31f8349b9b6a8fb3a4da352cea7221dcaf13ec4c15162c729d2c3f47a2','2026-11-24 03:41:00.000000','kasi1',NULL,'forward',13,65,'ok',NULL,'','{"step_no": 3, "note": "", "instruction": "Segera", "access_granted_to": "op2", "to": "op2"}');
INSERT INTO "audit" VALUES(89,89,'c1922a31f8349b9b6a8fb3a4da352cea7221dcaf13ec4c15162c729d2c3f47a2','caeee772370b3ecf6626e4621dd20debbd9da5c1e0ac7a4c92c1fccdc154e818','2026-11-24 03:42:00.000000','op2',NULL,'submit_manifest',13,66,'ok',NULL,'','{"step_no": 4, "note": "", "manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "kasi1"}');
INSERT INTO "audit" VALUES(90,90,'caeee772370b3ecf6626e4621dd20debbd9da5c1e0ac7a4c92c1fccdc154e818','7ea63f2aeb05c5f49d106adb54c234933712e87c581e4e0799e3ecd1ad3e13bf','2026-11-24 03:43:00.000000','kasi1',NULL,'accept_manifest',13,67,'ok',NULL,'','{"step_no": 5, "note": "", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "to": "ksd1"}');
INSERT INTO "audit" VALUES(91,91,'7ea63f2aeb05c5f49d106adb54c234933712e87c581e4e0799e3ecd1ad3e13bf','ebebc200028e6996b251dcb1ac4af755abf84bced357dd2d48b7ecab2eca0b86','2026-11-24 03:44:00.000000','ksd1',NULL,'forward',13,68,'ok',NULL,'','{"step_no": 6, "note": "", "instruction": "Untuk diperhatikan", "to": "dir"}');
CREATE TABLE audit_head (
	id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	mac VARCHAR(64) NOT NULL, 
	head_mac VARCHAR(64), 
	CONSTRAINT pk_audit_head PRIMARY KEY (id)
);
INSERT INTO "audit_head" VALUES(1,91,'ebebc200028e6996b251dcb1ac4af755abf84bced357dd2d48b7ecab2eca0b86','888b1d3b6f57000b437b893ff4ca707b10a6d8afdd3269df74948769f8b2c712');
CREATE TABLE cases (
	id INTEGER NOT NULL, 
	number VARCHAR(40) NOT NULL, 
	prefix VARCHAR(16) NOT NULL, 
	year INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	sop_id VARCHAR(64) NOT NULL, 
	sop_version INTEGER NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	version INTEGER NOT NULL, 
	agenda_number VARCHAR(100), 
	srikandi_ref VARCHAR(100), 
	letter_number VARCHAR(200) NOT NULL, 
	letter_number_key VARCHAR(200) NOT NULL, 
	letter_date DATE NOT NULL, 
	institution VARCHAR(300) NOT NULL, 
	institution_key VARCHAR(300) NOT NULL, 
	purpose TEXT NOT NULL, 
	pks_number VARCHAR(200), 
	scan_sha256 VARCHAR(64), 
	scan_location TEXT, 
	manifest JSON, 
	accepted_hash VARCHAR(64), 
	signature JSON, 
	checklist JSON NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	closed_at DATETIME, access_revoked_at DATETIME, access_revoked_by VARCHAR(64), 
	CONSTRAINT pk_cases PRIMARY KEY (id), 
	CONSTRAINT uq_cases_number UNIQUE (number), 
	CONSTRAINT uq_cases_prefix UNIQUE (prefix, year, seq), 
	CONSTRAINT ck_cases_case_state CHECK (state IN ('open', 'waiting', 'closed', 'rejected', 'cancelled'))
);
INSERT INTO "cases" VALUES(1,'LDK-2026-0001','LDK',2026,1,'ldk',1,'open',1,NULL,NULL,'470/101/DUKCAPIL','470/101/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'null',NULL,'null','{}','tu1','2026-11-24 02:03:00.000000','2026-11-24 02:03:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(2,'LDK-2026-0002','LDK',2026,2,'ldk',1,'open',2,NULL,NULL,'470/102/DUKCAPIL','470/102/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'null',NULL,'null','{}','tu1','2026-11-24 02:06:00.000000','2026-11-24 02:07:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(3,'LDK-2026-0003','LDK',2026,3,'ldk',1,'open',3,NULL,NULL,'470/103/DUKCAPIL','470/103/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'null',NULL,'null','{}','tu1','2026-11-24 02:10:00.000000','2026-11-24 02:12:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(4,'LDK-2026-0004','LDK',2026,4,'ldk',1,'open',4,NULL,NULL,'470/104/DUKCAPIL','470/104/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'null',NULL,'null','{}','tu1','2026-11-24 02:15:00.000000','2026-11-24 02:18:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(5,'LDK-2026-0005','LDK',2026,5,'ldk',1,'open',5,NULL,NULL,'470/105/DUKCAPIL','470/105/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}',NULL,'null','{}','tu1','2026-11-24 02:21:00.000000','2026-11-24 02:25:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(6,'LDK-2026-0006','LDK',2026,6,'ldk',1,'open',6,NULL,NULL,'470/106/DUKCAPIL','470/106/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','null','{}','tu1','2026-11-24 02:28:00.000000','2026-11-24 02:33:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(7,'LDK-2026-0007','LDK',2026,7,'ldk',1,'open',7,NULL,NULL,'470/107/DUKCAPIL','470/107/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','null','{}','tu1','2026-11-24 02:36:00.000000','2026-11-24 02:42:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(8,'LDK-2026-0008','LDK',2026,8,'ldk',1,'open',8,NULL,NULL,'470/108/DUKCAPIL','470/108/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','{"signer": "dir", "acting_for": null, "role": "direktur", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "signed_at": "2026-11-24T02:52:00+00:00"}','{}','tu1','2026-11-24 02:45:00.000000','2026-11-24 02:52:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(9,'LDK-2026-0009','LDK',2026,9,'ldk',1,'open',10,NULL,NULL,'470/220/DUKCAPIL','470/220/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','{"signer": "dir", "acting_for": null, "role": "direktur", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "signed_at": "2026-11-24T03:02:00+00:00"}','{"duplicated": {"by": "op2", "at": "2026-11-24T03:03:00+00:00", "value": "", "receipt_sha256": null, "receipt_file": null}, "archived": {"by": "op2", "at": "2026-11-24T03:04:00+00:00", "value": "ARS-2026-001", "receipt_sha256": null, "receipt_file": null}}','tu1','2026-11-24 02:55:00.000000','2026-11-24 03:04:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(10,'LDK-2026-0010','LDK',2026,10,'ldk',1,'open',11,NULL,NULL,'470/230/DUKCAPIL','470/230/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','{"signer": "dir", "acting_for": null, "role": "direktur", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "signed_at": "2026-11-24T03:14:00+00:00"}','{"duplicated": {"by": "op2", "at": "2026-11-24T03:15:00+00:00", "value": "", "receipt_sha256": null, "receipt_file": null}, "archived": {"by": "op2", "at": "2026-11-24T03:16:00+00:00", "value": "ARS-2026-001", "receipt_sha256": null, "receipt_file": null}, "sent": {"by": "op2", "at": "2026-11-24T03:17:00+00:00", "value": "email", "receipt_sha256": null, "receipt_file": null}}','tu1','2026-11-24 03:07:00.000000','2026-11-24 03:17:00.000000',NULL,NULL,NULL);
INSERT INTO "cases" VALUES(11,'LDK-2026-0011','LDK',2026,11,'ldk',1,'closed',12,NULL,NULL,'470/300/DUKCAPIL','470/300/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','{"signer": "dir", "acting_for": null, "role": "direktur", "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b", "signed_at": "2026-11-24T03:27:00+00:00"}','{"duplicated": {"by": "op2", "at": "2026-11-24T03:28:00+00:00", "value": "", "receipt_sha256": null, "receipt_file": null}, "archived": {"by": "op2", "at": "2026-11-24T03:29:00+00:00", "value": "ARS-2026-001", "receipt_sha256": null, "receipt_file": null}, "sent": {"by": "op2", "at": "2026-11-24T03:30:00+00:00", "value": "email", "receipt_sha256": null, "receipt_file": null}, "receipt": {"by": "op2", "at": "2026-11-24T03:31:00+00:00", "value": "TT-009", "receipt_sha256": null, "receipt_file": null}}','tu1','2026-11-24 03:20:00.000000','2026-11-24 03:31:00.000000','2026-11-24 03:31:00.000000',NULL,NULL);
INSERT INTO "cases" VALUES(12,'LDK-2026-0012','LDK',2026,12,'ldk',1,'rejected',3,NULL,NULL,'470/301/DUKCAPIL','470/301/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',NULL,'null',NULL,'null','{}','tu1','2026-11-24 03:34:00.000000','2026-11-24 03:35:00.000000','2026-11-24 03:35:00.000000',NULL,NULL);
INSERT INTO "cases" VALUES(13,'LDK-2026-0013','LDK',2026,13,'ldk',1,'open',7,NULL,NULL,'470/302/DUKCAPIL','470/302/dukcapil','2026-11-20','BPJS Kesehatan','bpjs kesehatan','Verifikasi data peserta',NULL,NULL,NULL,'{"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}','503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b','null','{}','tu1','2026-11-24 03:38:00.000000','2026-11-24 03:44:00.000000',NULL,NULL,NULL);
CREATE TABLE digests (
	id INTEGER NOT NULL, 
	day DATE NOT NULL, 
	generated_at DATETIME NOT NULL, 
	generated_by VARCHAR(100) NOT NULL, 
	data JSON NOT NULL, 
	CONSTRAINT pk_digests PRIMARY KEY (id), 
	CONSTRAINT uq_digests_day UNIQUE (day)
);
CREATE TABLE invites (
	id INTEGER NOT NULL, 
	official_key VARCHAR(64) NOT NULL, 
	code_sha256 VARCHAR(64) NOT NULL, 
	created_by VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	used_at DATETIME, 
	used_by BIGINT, 
	CONSTRAINT pk_invites PRIMARY KEY (id), 
	CONSTRAINT fk_invites_official_key_officials FOREIGN KEY(official_key) REFERENCES officials ("key"), 
	CONSTRAINT uq_invites_code_sha256 UNIQUE (code_sha256)
);
CREATE TABLE officials (
	"key" VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	nip VARCHAR(32), 
	role VARCHAR(64) NOT NULL, 
	reports_to VARCHAR(64), 
	telegram_id BIGINT, 
	digest BOOLEAN NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, language VARCHAR(2) DEFAULT 'id' NOT NULL, unreachable_at DATETIME, pin_hash VARCHAR(200), pin_failures INTEGER DEFAULT '0' NOT NULL, pin_locked_at DATETIME, 
	CONSTRAINT pk_officials PRIMARY KEY ("key"), 
	CONSTRAINT uq_officials_telegram_id UNIQUE (telegram_id)
);
INSERT INTO "officials" VALUES('dir','Dr. Andi Direktur','196801011990031001','direktur',NULL,NULL,1,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,'scrypt$16384$8$1$da55cc3b8f7bac28efb27826832a0674$fc9ea0dd2601d3e922f399b75b840a0372d03fdc90e276b11fdadf02577a174052859bec49adc261c03d7ba335841f0412f41053437049ac6f518815c174bea9',0,NULL);
INSERT INTO "officials" VALUES('ksd1','Budi Kasubdit',NULL,'kasubdit','dir',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('ksd2','Citra Kasubdit',NULL,'kasubdit','dir',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('kasi1','Dewi Kasi',NULL,'kasi','ksd1',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('kasi2','Eko Kasi',NULL,'kasi','ksd2',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('op1','Fajar Operator',NULL,'jfu','kasi1',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('op2','Gita Operator',NULL,'jfu','kasi1',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('op3','Hadi Operator',NULL,'jfu','kasi2',NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('tu1','Indah TU',NULL,'tu',NULL,NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
INSERT INTO "officials" VALUES('adm','Joko Admin',NULL,'admin',NULL,NULL,0,1,'2026-11-24 02:00:00.000000','2026-11-24 02:00:00.000000','id',NULL,NULL,0,NULL);
CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	recipient VARCHAR(64) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	case_id INTEGER, 
	step_no INTEGER, 
	dedupe_key VARCHAR(200) NOT NULL, 
	payload JSON NOT NULL, 
	sent_at DATETIME, 
	telegram_message_id BIGINT, 
	attempts INTEGER NOT NULL, 
	last_error TEXT, status VARCHAR(16) DEFAULT 'pending' NOT NULL, next_attempt_at DATETIME, chat_id BIGINT, claimed_by VARCHAR(64), claimed_until DATETIME, 
	CONSTRAINT pk_outbox PRIMARY KEY (id), 
	CONSTRAINT fk_outbox_case_id_cases FOREIGN KEY(case_id) REFERENCES cases (id), 
	CONSTRAINT uq_outbox_dedupe_key UNIQUE (dedupe_key)
);
INSERT INTO "outbox" VALUES(1,'2026-11-24 02:03:00.000000','dir','step_assigned',1,1,'1:1:step_assigned:dir','{"case_number": "LDK-2026-0001"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(2,'2026-11-24 02:06:00.000000','dir','step_assigned',2,1,'2:1:step_assigned:dir','{"case_number": "LDK-2026-0002"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(3,'2026-11-24 02:07:00.000000','ksd1','step_assigned',2,2,'2:2:step_assigned:ksd1','{"case_number": "LDK-2026-0002"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(4,'2026-11-24 02:10:00.000000','dir','step_assigned',3,1,'3:1:step_assigned:dir','{"case_number": "LDK-2026-0003"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(5,'2026-11-24 02:11:00.000000','ksd1','step_assigned',3,2,'3:2:step_assigned:ksd1','{"case_number": "LDK-2026-0003"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(6,'2026-11-24 02:12:00.000000','kasi1','step_assigned',3,3,'3:3:step_assigned:kasi1','{"case_number": "LDK-2026-0003"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(7,'2026-11-24 02:15:00.000000','dir','step_assigned',4,1,'4:1:step_assigned:dir','{"case_number": "LDK-2026-0004"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(8,'2026-11-24 02:16:00.000000','ksd1','step_assigned',4,2,'4:2:step_assigned:ksd1','{"case_number": "LDK-2026-0004"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(9,'2026-11-24 02:17:00.000000','kasi1','step_assigned',4,3,'4:3:step_assigned:kasi1','{"case_number": "LDK-2026-0004"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(10,'2026-11-24 02:18:00.000000','op2','step_assigned',4,4,'4:4:step_assigned:op2','{"case_number": "LDK-2026-0004"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(11,'2026-11-24 02:21:00.000000','dir','step_assigned',5,1,'5:1:step_assigned:dir','{"case_number": "LDK-2026-0005"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(12,'2026-11-24 02:22:00.000000','ksd1','step_assigned',5,2,'5:2:step_assigned:ksd1','{"case_number": "LDK-2026-0005"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(13,'2026-11-24 02:23:00.000000','kasi1','step_assigned',5,3,'5:3:step_assigned:kasi1','{"case_number": "LDK-2026-0005"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(14,'2026-11-24 02:24:00.000000','op2','step_assigned',5,4,'5:4:step_assigned:op2','{"case_number": "LDK-2026-0005"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(15,'2026-11-24 02:25:00.000000','kasi1','step_assigned',5,5,'5:5:step_assigned:kasi1','{"case_number": "LDK-2026-0005"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(16,'2026-11-24 02:28:00.000000','dir','step_assigned',6,1,'6:1:step_assigned:dir','{"case_number": "LDK-2026-0006"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(17,'2026-11-24 02:29:00.000000','ksd1','step_assigned',6,2,'6:2:step_assigned:ksd1','{"case_number": "LDK-2026-0006"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(18,'2026-11-24 02:30:00.000000','kasi1','step_assigned',6,3,'6:3:step_assigned:kasi1','{"case_number": "LDK-2026-0006"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(19,'2026-11-24 02:31:00.000000','op2','step_assigned',6,4,'6:4:step_assigned:op2','{"case_number": "LDK-2026-0006"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(20,'2026-11-24 02:32:00.000000','kasi1','step_assigned',6,5,'6:5:step_assigned:kasi1','{"case_number": "LDK-2026-0006"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(21,'2026-11-24 02:33:00.000000','ksd1','step_assigned',6,6,'6:6:step_assigned:ksd1','{"case_number": "LDK-2026-0006"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(22,'2026-11-24 02:36:00.000000','dir','step_assigned',7,1,'7:1:step_assigned:dir','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(23,'2026-11-24 02:37:00.000000','ksd1','step_assigned',7,2,'7:2:step_assigned:ksd1','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(24,'2026-11-24 02:38:00.000000','kasi1','step_assigned',7,3,'7:3:step_assigned:kasi1','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(25,'2026-11-24 02:39:00.000000','op2','step_assigned',7,4,'7:4:step_assigned:op2','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(26,'2026-11-24 02:40:00.000000','kasi1','step_assigned',7,5,'7:5:step_assigned:kasi1','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(27,'2026-11-24 02:41:00.000000','ksd1','step_assigned',7,6,'7:6:step_assigned:ksd1','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(28,'2026-11-24 02:42:00.000000','dir','step_assigned',7,7,'7:7:step_assigned:dir','{"case_number": "LDK-2026-0007"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(29,'2026-11-24 02:45:00.000000','dir','step_assigned',8,1,'8:1:step_assigned:dir','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(30,'2026-11-24 02:46:00.000000','ksd1','step_assigned',8,2,'8:2:step_assigned:ksd1','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(31,'2026-11-24 02:47:00.000000','kasi1','step_assigned',8,3,'8:3:step_assigned:kasi1','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(32,'2026-11-24 02:48:00.000000','op2','step_assigned',8,4,'8:4:step_assigned:op2','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(33,'2026-11-24 02:49:00.000000','kasi1','step_assigned',8,5,'8:5:step_assigned:kasi1','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(34,'2026-11-24 02:50:00.000000','ksd1','step_assigned',8,6,'8:6:step_assigned:ksd1','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(35,'2026-11-24 02:51:00.000000','dir','step_assigned',8,7,'8:7:step_assigned:dir','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(36,'2026-11-24 02:52:00.000000','op2','step_assigned',8,8,'8:8:step_assigned:op2','{"case_number": "LDK-2026-0008"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(37,'2026-11-24 02:55:00.000000','dir','step_assigned',9,1,'9:1:step_assigned:dir','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(38,'2026-11-24 02:56:00.000000','ksd1','step_assigned',9,2,'9:2:step_assigned:ksd1','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(39,'2026-11-24 02:57:00.000000','kasi1','step_assigned',9,3,'9:3:step_assigned:kasi1','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(40,'2026-11-24 02:58:00.000000','op2','step_assigned',9,4,'9:4:step_assigned:op2','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(41,'2026-11-24 02:59:00.000000','kasi1','step_assigned',9,5,'9:5:step_assigned:kasi1','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(42,'2026-11-24 03:00:00.000000','ksd1','step_assigned',9,6,'9:6:step_assigned:ksd1','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(43,'2026-11-24 03:01:00.000000','dir','step_assigned',9,7,'9:7:step_assigned:dir','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(44,'2026-11-24 03:02:00.000000','op2','step_assigned',9,8,'9:8:step_assigned:op2','{"case_number": "LDK-2026-0009"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(45,'2026-11-24 03:07:00.000000','dir','step_assigned',10,1,'10:1:step_assigned:dir','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(46,'2026-11-24 03:08:00.000000','ksd1','step_assigned',10,2,'10:2:step_assigned:ksd1','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(47,'2026-11-24 03:09:00.000000','kasi1','step_assigned',10,3,'10:3:step_assigned:kasi1','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(48,'2026-11-24 03:10:00.000000','op2','step_assigned',10,4,'10:4:step_assigned:op2','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(49,'2026-11-24 03:11:00.000000','kasi1','step_assigned',10,5,'10:5:step_assigned:kasi1','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(50,'2026-11-24 03:12:00.000000','ksd1','step_assigned',10,6,'10:6:step_assigned:ksd1','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(51,'2026-11-24 03:13:00.000000','dir','step_assigned',10,7,'10:7:step_assigned:dir','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(52,'2026-11-24 03:14:00.000000','op2','step_assigned',10,8,'10:8:step_assigned:op2','{"case_number": "LDK-2026-0010"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(53,'2026-11-24 03:20:00.000000','dir','step_assigned',11,1,'11:1:step_assigned:dir','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(54,'2026-11-24 03:21:00.000000','ksd1','step_assigned',11,2,'11:2:step_assigned:ksd1','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(55,'2026-11-24 03:22:00.000000','kasi1','step_assigned',11,3,'11:3:step_assigned:kasi1','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(56,'2026-11-24 03:23:00.000000','op2','step_assigned',11,4,'11:4:step_assigned:op2','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(57,'2026-11-24 03:24:00.000000','kasi1','step_assigned',11,5,'11:5:step_assigned:kasi1','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(58,'2026-11-24 03:25:00.000000','ksd1','step_assigned',11,6,'11:6:step_assigned:ksd1','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(59,'2026-11-24 03:26:00.000000','dir','step_assigned',11,7,'11:7:step_assigned:dir','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(60,'2026-11-24 03:27:00.000000','op2','step_assigned',11,8,'11:8:step_assigned:op2','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(61,'2026-11-24 03:31:00.000000','dir','case_closed',11,8,'11:12:case_closed:dir','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(62,'2026-11-24 03:31:00.000000','ksd1','case_closed',11,8,'11:12:case_closed:ksd1','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(63,'2026-11-24 03:31:00.000000','kasi1','case_closed',11,8,'11:12:case_closed:kasi1','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(64,'2026-11-24 03:31:00.000000','op2','case_closed',11,8,'11:12:case_closed:op2','{"case_number": "LDK-2026-0011"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(65,'2026-11-24 03:34:00.000000','dir','step_assigned',12,1,'12:1:step_assigned:dir','{"case_number": "LDK-2026-0012"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(66,'2026-11-24 03:35:00.000000','ksd1','step_assigned',12,2,'12:2:step_assigned:ksd1','{"case_number": "LDK-2026-0012"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(67,'2026-11-24 03:35:00.000000','dir','case_rejected',12,2,'12:3:case_rejected:dir','{"case_number": "LDK-2026-0012"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(68,'2026-11-24 03:35:00.000000','ksd1','case_rejected',12,2,'12:3:case_rejected:ksd1','{"case_number": "LDK-2026-0012"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(69,'2026-11-24 03:35:00.000000','tu1','case_rejected',12,2,'12:3:case_rejected:tu1','{"case_number": "LDK-2026-0012"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(70,'2026-11-24 03:38:00.000000','dir','step_assigned',13,1,'13:1:step_assigned:dir','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(71,'2026-11-24 03:39:00.000000','ksd1','step_assigned',13,2,'13:2:step_assigned:ksd1','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(72,'2026-11-24 03:40:00.000000','kasi1','step_assigned',13,3,'13:3:step_assigned:kasi1','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(73,'2026-11-24 03:41:00.000000','op2','step_assigned',13,4,'13:4:step_assigned:op2','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(74,'2026-11-24 03:42:00.000000','kasi1','step_assigned',13,5,'13:5:step_assigned:kasi1','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(75,'2026-11-24 03:43:00.000000','ksd1','step_assigned',13,6,'13:6:step_assigned:ksd1','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
INSERT INTO "outbox" VALUES(76,'2026-11-24 03:44:00.000000','dir','step_assigned',13,7,'13:7:step_assigned:dir','{"case_number": "LDK-2026-0013"}',NULL,NULL,0,NULL,'pending',NULL,NULL,NULL,NULL);
CREATE TABLE pending_inputs (
	telegram_id BIGINT NOT NULL, 
	official_key VARCHAR(64) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	case_id INTEGER, 
	step_id INTEGER, 
	case_version INTEGER, 
	data JSON NOT NULL, 
	prompt_message_id BIGINT, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	CONSTRAINT pk_pending_inputs PRIMARY KEY (telegram_id), 
	CONSTRAINT fk_pending_inputs_case_id_cases FOREIGN KEY(case_id) REFERENCES cases (id), 
	CONSTRAINT fk_pending_inputs_official_key_officials FOREIGN KEY(official_key) REFERENCES officials ("key")
);
CREATE TABLE processed_updates (
	update_id BIGINT NOT NULL, 
	received_at DATETIME NOT NULL, 
	CONSTRAINT pk_processed_updates PRIMARY KEY (update_id)
);
CREATE TABLE sop_versions (
	id INTEGER NOT NULL, 
	sop_id VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	digest VARCHAR(64) NOT NULL, 
	definition TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_sop_versions PRIMARY KEY (id), 
	CONSTRAINT uq_sop_versions_sop_id UNIQUE (sop_id, version)
);
INSERT INTO "sop_versions" VALUES(1,'ldk',1,'e483dea2e7f082691f6185fb7e859f71b40d2a799800bb4854a0e94aef051edf','{"id":"ldk","issuer":"Kementerian Dalam Negeri, Ditjen Kependudukan dan Pencatatan Sipil, Direktorat Pengelolaan Informasi Administrasi Kependudukan","legal_basis":["Permendagri No. 41 Tahun 2010","Permendagri No. 25 Tahun 2011"],"number":"7.4.4.1","roles":[{"key":"direktur","may_reject":true,"name":"Direktur","superior":null},{"key":"kasubdit","may_reject":true,"name":"Kasubdit","superior":"direktur"},{"key":"kasi","may_reject":true,"name":"Kasi","superior":"kasubdit"},{"key":"jfu","may_reject":false,"name":"JFU","superior":"kasi"}],"steps":[{"action":"Menerima surat izin pemanfaatan data dan memberikan petunjuk kepada Kasubdit","action_en":"Receives the data-use permit letter and instructs the Kasubdit","kind":"disposition","no":1,"produces":["Disposisi"],"requires":["Lembar disposisi","Surat izin"],"role":"direktur","sla":300},{"action":"Menerima surat izin pemanfaatan data dan memberikan petunjuk kepada Kasi","action_en":"Receives the permit letter and instructs the Kasi","kind":"disposition","no":2,"produces":["Disposisi"],"requires":["Lembar disposisi","Surat izin"],"role":"kasubdit","sla":300},{"action":"Menerima dan memberikan hak akses/otoritas kepada operator","action_en":"Receives it and grants access rights to an operator","kind":"grant_access","no":3,"produces":["Disposisi","Hak akses/otoritas"],"requires":["Lembar disposisi","Surat izin"],"role":"kasi","sla":600},{"action":"Menerima dan membuka datawarehouse, serta melaporkan kepada Kasi","action_en":"Opens the data warehouse, extracts the data and reports to the Kasi","kind":"report_data","no":4,"produces":["Data kependudukan"],"requires":["Lembar disposisi","Surat izin","Hak akses/otoritas"],"role":"jfu","sla":1800},{"action":"Memeriksa data yang akan diberikan serta melaporkan kepada Kasubdit","action_en":"Checks the data to be released and reports to the Kasubdit","kind":"check_data","no":5,"produces":["Data kependudukan"],"requires":["Data kependudukan"],"role":"kasi","sla":900},{"action":"Menerima data dan melaporkan kepada Direktur","action_en":"Receives the data and reports to the Direktur","kind":"disposition","no":6,"produces":["Arahan"],"requires":["Data kependudukan"],"role":"kasubdit","sla":300},{"action":"Menerima, menandatangani data dan memberi petunjuk kepada JFU","action_en":"Receives and signs the data, instructs the JFU","kind":"sign","no":7,"produces":["Disposisi"],"requires":["Lembar disposisi","Data kependudukan"],"role":"direktur","sla":300},{"action":"Menerima, menggandakan, mengarsipkan dan mengirimkan kepada pengguna","action_en":"Duplicates, archives and sends the data to the requester","kind":"dispatch","no":8,"produces":["Tanda terima"],"requires":["Data kependudukan"],"role":"jfu","sla":1200}],"title":"Layanan Data dan Informasi Kependudukan","title_en":"Population data and information service","version":1,"warning":"Data tidak boleh dikeluarkan tanpa izin tertulis dari pejabat yang berwenang.","warning_en":"Data must not be released without the written permission of the authorised official."}','2026-11-24 02:03:00.000000');
CREATE TABLE stand_ins (
	id INTEGER NOT NULL, 
	official_key VARCHAR(64) NOT NULL, 
	for_key VARCHAR(64) NOT NULL, 
	starts_at DATETIME NOT NULL, 
	ends_at DATETIME NOT NULL, 
	sp_number VARCHAR(100) NOT NULL, 
	active BOOLEAN NOT NULL, 
	CONSTRAINT pk_stand_ins PRIMARY KEY (id), 
	CONSTRAINT fk_stand_ins_for_key_officials FOREIGN KEY(for_key) REFERENCES officials ("key"), 
	CONSTRAINT fk_stand_ins_official_key_officials FOREIGN KEY(official_key) REFERENCES officials ("key"), 
	CONSTRAINT uq_stand_ins_official_key UNIQUE (official_key, for_key, starts_at)
);
INSERT INTO "stand_ins" VALUES(1,'ksd1','dir','2026-11-30 17:00:00.000000','2026-12-07 17:00:00.000000','SP-001/DIR/XII/2026',1);
CREATE TABLE steps (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	step_no INTEGER NOT NULL, 
	assignee VARCHAR(64), 
	started_at DATETIME NOT NULL, 
	due_at DATETIME NOT NULL, 
	acknowledged_at DATETIME, 
	finished_at DATETIME, 
	outcome VARCHAR(16), 
	actor VARCHAR(64), 
	acting_for VARCHAR(64), 
	instruction VARCHAR(40), 
	note TEXT NOT NULL, 
	payload JSON NOT NULL, working_seconds INTEGER, next_sla_at DATETIME, 
	CONSTRAINT pk_steps PRIMARY KEY (id), 
	CONSTRAINT fk_steps_case_id_cases FOREIGN KEY(case_id) REFERENCES cases (id), 
	CONSTRAINT ck_steps_step_outcome CHECK (outcome IN ('completed', 'returned', 'rejected', 'reassigned', 'cancelled'))
);
INSERT INTO "steps" VALUES(1,1,1,'dir','2026-11-24 02:03:00.000000','2026-11-24 02:08:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:08:00.000000');
INSERT INTO "steps" VALUES(2,2,1,'dir','2026-11-24 02:06:00.000000','2026-11-24 02:11:00.000000',NULL,'2026-11-24 02:07:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(3,2,2,'ksd1','2026-11-24 02:07:00.000000','2026-11-24 02:12:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:12:00.000000');
INSERT INTO "steps" VALUES(4,3,1,'dir','2026-11-24 02:10:00.000000','2026-11-24 02:15:00.000000',NULL,'2026-11-24 02:11:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(5,3,2,'ksd1','2026-11-24 02:11:00.000000','2026-11-24 02:16:00.000000',NULL,'2026-11-24 02:12:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(6,3,3,'kasi1','2026-11-24 02:12:00.000000','2026-11-24 02:22:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:22:00.000000');
INSERT INTO "steps" VALUES(7,4,1,'dir','2026-11-24 02:15:00.000000','2026-11-24 02:20:00.000000',NULL,'2026-11-24 02:16:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(8,4,2,'ksd1','2026-11-24 02:16:00.000000','2026-11-24 02:21:00.000000',NULL,'2026-11-24 02:17:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(9,4,3,'kasi1','2026-11-24 02:17:00.000000','2026-11-24 02:27:00.000000',NULL,'2026-11-24 02:18:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(10,4,4,'op2','2026-11-24 02:18:00.000000','2026-11-24 02:48:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:48:00.000000');
INSERT INTO "steps" VALUES(11,5,1,'dir','2026-11-24 02:21:00.000000','2026-11-24 02:26:00.000000',NULL,'2026-11-24 02:22:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(12,5,2,'ksd1','2026-11-24 02:22:00.000000','2026-11-24 02:27:00.000000',NULL,'2026-11-24 02:23:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(13,5,3,'kasi1','2026-11-24 02:23:00.000000','2026-11-24 02:33:00.000000',NULL,'2026-11-24 02:24:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(14,5,4,'op2','2026-11-24 02:24:00.000000','2026-11-24 02:54:00.000000',NULL,'2026-11-24 02:25:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(15,5,5,'kasi1','2026-11-24 02:25:00.000000','2026-11-24 02:40:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:40:00.000000');
INSERT INTO "steps" VALUES(16,6,1,'dir','2026-11-24 02:28:00.000000','2026-11-24 02:33:00.000000',NULL,'2026-11-24 02:29:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(17,6,2,'ksd1','2026-11-24 02:29:00.000000','2026-11-24 02:34:00.000000',NULL,'2026-11-24 02:30:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(18,6,3,'kasi1','2026-11-24 02:30:00.000000','2026-11-24 02:40:00.000000',NULL,'2026-11-24 02:31:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(19,6,4,'op2','2026-11-24 02:31:00.000000','2026-11-24 03:01:00.000000',NULL,'2026-11-24 02:32:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(20,6,5,'kasi1','2026-11-24 02:32:00.000000','2026-11-24 02:47:00.000000',NULL,'2026-11-24 02:33:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(21,6,6,'ksd1','2026-11-24 02:33:00.000000','2026-11-24 02:38:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:38:00.000000');
INSERT INTO "steps" VALUES(22,7,1,'dir','2026-11-24 02:36:00.000000','2026-11-24 02:41:00.000000',NULL,'2026-11-24 02:37:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(23,7,2,'ksd1','2026-11-24 02:37:00.000000','2026-11-24 02:42:00.000000',NULL,'2026-11-24 02:38:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(24,7,3,'kasi1','2026-11-24 02:38:00.000000','2026-11-24 02:48:00.000000',NULL,'2026-11-24 02:39:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(25,7,4,'op2','2026-11-24 02:39:00.000000','2026-11-24 03:09:00.000000',NULL,'2026-11-24 02:40:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(26,7,5,'kasi1','2026-11-24 02:40:00.000000','2026-11-24 02:55:00.000000',NULL,'2026-11-24 02:41:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(27,7,6,'ksd1','2026-11-24 02:41:00.000000','2026-11-24 02:46:00.000000',NULL,'2026-11-24 02:42:00.000000','completed','ksd1',NULL,'Untuk diperhatikan','','{}',60,NULL);
INSERT INTO "steps" VALUES(28,7,7,'dir','2026-11-24 02:42:00.000000','2026-11-24 02:47:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 02:47:00.000000');
INSERT INTO "steps" VALUES(29,8,1,'dir','2026-11-24 02:45:00.000000','2026-11-24 02:50:00.000000',NULL,'2026-11-24 02:46:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(30,8,2,'ksd1','2026-11-24 02:46:00.000000','2026-11-24 02:51:00.000000',NULL,'2026-11-24 02:47:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(31,8,3,'kasi1','2026-11-24 02:47:00.000000','2026-11-24 02:57:00.000000',NULL,'2026-11-24 02:48:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(32,8,4,'op2','2026-11-24 02:48:00.000000','2026-11-24 03:18:00.000000',NULL,'2026-11-24 02:49:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(33,8,5,'kasi1','2026-11-24 02:49:00.000000','2026-11-24 03:04:00.000000',NULL,'2026-11-24 02:50:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(34,8,6,'ksd1','2026-11-24 02:50:00.000000','2026-11-24 02:55:00.000000',NULL,'2026-11-24 02:51:00.000000','completed','ksd1',NULL,'Untuk diperhatikan','','{}',60,NULL);
INSERT INTO "steps" VALUES(35,8,7,'dir','2026-11-24 02:51:00.000000','2026-11-24 02:56:00.000000',NULL,'2026-11-24 02:52:00.000000','completed','dir',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(36,8,8,'op2','2026-11-24 02:52:00.000000','2026-11-24 03:12:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 03:12:00.000000');
INSERT INTO "steps" VALUES(37,9,1,'dir','2026-11-24 02:55:00.000000','2026-11-24 03:00:00.000000',NULL,'2026-11-24 02:56:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(38,9,2,'ksd1','2026-11-24 02:56:00.000000','2026-11-24 03:01:00.000000',NULL,'2026-11-24 02:57:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(39,9,3,'kasi1','2026-11-24 02:57:00.000000','2026-11-24 03:07:00.000000',NULL,'2026-11-24 02:58:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(40,9,4,'op2','2026-11-24 02:58:00.000000','2026-11-24 03:28:00.000000',NULL,'2026-11-24 02:59:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(41,9,5,'kasi1','2026-11-24 02:59:00.000000','2026-11-24 03:14:00.000000',NULL,'2026-11-24 03:00:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(42,9,6,'ksd1','2026-11-24 03:00:00.000000','2026-11-24 03:05:00.000000',NULL,'2026-11-24 03:01:00.000000','completed','ksd1',NULL,'Untuk diperhatikan','','{}',60,NULL);
INSERT INTO "steps" VALUES(43,9,7,'dir','2026-11-24 03:01:00.000000','2026-11-24 03:06:00.000000',NULL,'2026-11-24 03:02:00.000000','completed','dir',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(44,9,8,'op2','2026-11-24 03:02:00.000000','2026-11-24 03:22:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 03:22:00.000000');
INSERT INTO "steps" VALUES(45,10,1,'dir','2026-11-24 03:07:00.000000','2026-11-24 03:12:00.000000',NULL,'2026-11-24 03:08:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(46,10,2,'ksd1','2026-11-24 03:08:00.000000','2026-11-24 03:13:00.000000',NULL,'2026-11-24 03:09:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(47,10,3,'kasi1','2026-11-24 03:09:00.000000','2026-11-24 03:19:00.000000',NULL,'2026-11-24 03:10:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(48,10,4,'op2','2026-11-24 03:10:00.000000','2026-11-24 03:40:00.000000',NULL,'2026-11-24 03:11:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(49,10,5,'kasi1','2026-11-24 03:11:00.000000','2026-11-24 03:26:00.000000',NULL,'2026-11-24 03:12:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(50,10,6,'ksd1','2026-11-24 03:12:00.000000','2026-11-24 03:17:00.000000',NULL,'2026-11-24 03:13:00.000000','completed','ksd1',NULL,'Untuk diperhatikan','','{}',60,NULL);
INSERT INTO "steps" VALUES(51,10,7,'dir','2026-11-24 03:13:00.000000','2026-11-24 03:18:00.000000',NULL,'2026-11-24 03:14:00.000000','completed','dir',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(52,10,8,'op2','2026-11-24 03:14:00.000000','2026-11-24 03:34:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 03:34:00.000000');
INSERT INTO "steps" VALUES(53,11,1,'dir','2026-11-24 03:20:00.000000','2026-11-24 03:25:00.000000',NULL,'2026-11-24 03:21:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(54,11,2,'ksd1','2026-11-24 03:21:00.000000','2026-11-24 03:26:00.000000',NULL,'2026-11-24 03:22:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(55,11,3,'kasi1','2026-11-24 03:22:00.000000','2026-11-24 03:32:00.000000',NULL,'2026-11-24 03:23:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(56,11,4,'op2','2026-11-24 03:23:00.000000','2026-11-24 03:53:00.000000',NULL,'2026-11-24 03:24:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(57,11,5,'kasi1','2026-11-24 03:24:00.000000','2026-11-24 03:39:00.000000',NULL,'2026-11-24 03:25:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(58,11,6,'ksd1','2026-11-24 03:25:00.000000','2026-11-24 03:30:00.000000',NULL,'2026-11-24 03:26:00.000000','completed','ksd1',NULL,'Untuk diperhatikan','','{}',60,NULL);
INSERT INTO "steps" VALUES(59,11,7,'dir','2026-11-24 03:26:00.000000','2026-11-24 03:31:00.000000',NULL,'2026-11-24 03:27:00.000000','completed','dir',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(60,11,8,'op2','2026-11-24 03:27:00.000000','2026-11-24 03:47:00.000000',NULL,'2026-11-24 03:31:00.000000','completed','op2',NULL,NULL,'','{}',240,NULL);
INSERT INTO "steps" VALUES(61,12,1,'dir','2026-11-24 03:34:00.000000','2026-11-24 03:39:00.000000',NULL,'2026-11-24 03:35:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(62,12,2,'ksd1','2026-11-24 03:35:00.000000','2026-11-24 03:40:00.000000',NULL,'2026-11-24 03:35:00.000000','rejected','ksd1',NULL,NULL,'Tidak lengkap','{}',0,NULL);
INSERT INTO "steps" VALUES(63,13,1,'dir','2026-11-24 03:38:00.000000','2026-11-24 03:43:00.000000',NULL,'2026-11-24 03:39:00.000000','completed','dir',NULL,'Untuk diproses','','{}',60,NULL);
INSERT INTO "steps" VALUES(64,13,2,'ksd1','2026-11-24 03:39:00.000000','2026-11-24 03:44:00.000000',NULL,'2026-11-24 03:40:00.000000','completed','ksd1',NULL,'Untuk diproses','Mohon diproses','{}',60,NULL);
INSERT INTO "steps" VALUES(65,13,3,'kasi1','2026-11-24 03:40:00.000000','2026-11-24 03:50:00.000000',NULL,'2026-11-24 03:41:00.000000','completed','kasi1',NULL,'Segera','','{"access_granted_to": "op2"}',60,NULL);
INSERT INTO "steps" VALUES(66,13,4,'op2','2026-11-24 03:41:00.000000','2026-11-24 04:11:00.000000',NULL,'2026-11-24 03:42:00.000000','completed','op2',NULL,NULL,'','{"manifest": {"form": "file", "description": "Daftar NIK peserta BPJS Kesehatan", "records": 1200, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "location": "/srv/ldk/bpjs-2026-11.csv", "pages": null}, "manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(67,13,5,'kasi1','2026-11-24 03:42:00.000000','2026-11-24 03:57:00.000000',NULL,'2026-11-24 03:43:00.000000','completed','kasi1',NULL,NULL,'','{"manifest_hash": "503b0823c74985cee67a3b12e553df5d8b1be6acca52b7e2c01535f573edaa8b"}',60,NULL);
INSERT INTO "steps" VALUES(68,13,6,'ksd1','2026-11-24 03:43:00.000000','2026-11-24 03:48:00.000000',NULL,'2026-11-24 03:44:00.000000','completed','ksd1',NULL,'Untuk diperhatikan','','{}',60,NULL);
INSERT INTO "steps" VALUES(69,13,7,'dir','2026-11-24 03:44:00.000000','2026-11-24 03:49:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,'','{}',NULL,'2026-11-24 03:49:00.000000');
CREATE TABLE strangers (
	telegram_id BIGINT NOT NULL, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_audited_at DATETIME, 
	CONSTRAINT pk_strangers PRIMARY KEY (telegram_id)
);
CREATE INDEX ix_cases_letter ON cases (institution_key, letter_number_key);
CREATE INDEX ix_audit_case_id ON audit (case_id);
CREATE UNIQUE INDEX ix_audit_seq ON audit (seq);
CREATE INDEX ix_outbox_recipient ON outbox (recipient);
CREATE INDEX ix_steps_case_id ON steps (case_id);
CREATE INDEX ix_steps_open_due ON steps (finished_at, due_at);
CREATE INDEX ix_processed_updates_received_at ON processed_updates (received_at);
CREATE INDEX ix_invites_official_key ON invites (official_key);
CREATE INDEX ix_steps_next_sla_at ON steps (next_sla_at);
CREATE INDEX ix_outbox_pending ON outbox (recipient, id) WHERE status = 'pending';
COMMIT;
