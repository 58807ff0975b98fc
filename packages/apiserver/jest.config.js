/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@pwk/api$': '<rootDir>/../api/src/index.ts',
    '^@pwk/process$': '<rootDir>/../process/src/index.ts',
  },
};
