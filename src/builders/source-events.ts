// What source builds report while they work (the core never prints; src/cli renders these).
export type SourceBuildEvent =
  | { kind: 'build-queued'; sourceCommit: string; position: number }
  | { kind: 'build-start'; sourceCommit: string; log: string; jobs: number }
  | { kind: 'build-layer'; sourceCommit: string; bytes: number }
  | { kind: 'build-done'; sourceCommit: string; checksum: string; seconds: number }
  | { kind: 'build-cached'; sourceCommit: string; checksum: string }
  | { kind: 'build-failed'; sourceCommit: string; reason: string; log: string; cached: boolean }
  | { kind: 'build-cancelled'; sourceCommit: string; wasRunning: boolean };
