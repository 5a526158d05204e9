import { describe, expect, it } from 'vitest';
import { benchmarkPointSchema, noPointEnergy, pointProblem, type BenchmarkPoint } from './points';
import { perPhase } from './types';

/** A point as the engine writes it. */
const written: BenchmarkPoint = {
  step: 10,
  examplesTrained: 1280,
  examplesScored: 6400,
  wallSeconds: 2.5,
  trainLoss: 0.7,
  zeroShotAccuracy: 0.4,
  attributeZeroShotAccuracy: 0.2,
  testAccuracy: null,
  score: 0.3,
  flopsByPhase: perPhase(() => 5),
  flopsTotal: 25,
  flopsTotalWithoutReference: 15,
  secondsByPhase: perPhase(() => 0.5),
  energy: noPointEnergy(),
  selection: { makeUp: { clean: 1 }, poolMakeUp: { clean: 0.4 }, selectionMilliseconds: 1, scoringMilliseconds: 2, diagnostics: { meanLearnabilityChosen: 0.5 } },
  tensorCount: 40,
  heapUsedBytes: 1e8,
};

describe('benchmarkPointSchema', () => {
  it('accepts a point as the engine writes it, and one of an older run folder with the learnability the engine used to add', () => {
    expect(benchmarkPointSchema.safeParse(written).error).toBeUndefined();
    const older = { ...written, selection: { ...written.selection, meanLearnabilityChosen: 0.5, meanLearnabilitySuperBatch: null } };
    expect(benchmarkPointSchema.safeParse(older).error).toBeUndefined();
  });

  it('names a field that is missing or of the wrong type', () => {
    const { selection: _, ...withoutSelection } = written;
    expect(benchmarkPointSchema.safeParse(withoutSelection).error?.issues[0].path).toEqual(['selection']);
    expect(benchmarkPointSchema.safeParse({ ...written, energy: { ...written.energy, kind: 'guessed' } }).error?.issues[0].path).toEqual(['energy', 'kind']);
    const { training: __, ...flopsWithoutTraining } = written.flopsByPhase;
    expect(benchmarkPointSchema.safeParse({ ...written, flopsByPhase: flopsWithoutTraining }).error?.issues[0].path).toEqual(['flopsByPhase', 'training']);
  });
});

describe('pointProblem', () => {
  it('checks the fields every reader relies on, typed as the schema types them, and no others', () => {
    expect(pointProblem(written)).toBeNull();
    expect(pointProblem({ step: 1, score: 0.5, flopsTotal: 10, flopsTotalWithoutReference: 8, energy: { joulesTotal: null } })).toBeNull();
    expect(pointProblem({ ...written, step: 2.5 })).toMatch(/^step /);
    expect(pointProblem({ ...written, flopsTotal: -1 })).toMatch(/^flopsTotal /);
    expect(pointProblem({ ...written, energy: { joulesTotal: 'many' } })).toMatch(/^energy\.joulesTotal /);
    expect(pointProblem(7)).toMatch(/^\(the line\) /);
  });
});
