// Test support shared by every package: temp folders that a test file removes with `afterAll(removeTempDirs)`.
export * from './temp-dirs';
export * from './child-env';
export * from './file-snapshot';
export * from './lock-holder-process';
