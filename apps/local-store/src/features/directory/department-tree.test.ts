import { buildDepartmentTree } from './department-tree';

const dept = (deptId: number, parentId: number | null) => ({ deptId, name: `d${deptId}`, parentId });
type Shape = Record<number, Shape[]>;
const shape = (nodes: ReturnType<typeof buildDepartmentTree>): Shape[] => nodes.map((node) => ({ [node.deptId]: shape(node.children) }));

describe('buildDepartmentTree', () => {
  it('nests children under their parents in input order', () => {
    expect(shape(buildDepartmentTree([dept(1, null), dept(2, 1), dept(3, 2), dept(4, 1)]))).toEqual([{ 1: [{ 2: [{ 3: [] }] }, { 4: [] }] }]);
  });

  it('makes a department with an unknown parent a root', () => {
    expect(shape(buildDepartmentTree([dept(5, 99), dept(6, 5)]))).toEqual([{ 5: [{ 6: [] }] }]);
  });

  it('does not lose departments caught in a parent cycle', () => {
    const tree = buildDepartmentTree([dept(1, 2), dept(2, 1), dept(3, 3), dept(4, 1)]);
    expect(shape(tree)).toEqual([{ 1: [{ 4: [] }] }, { 2: [] }, { 3: [] }]);
  });
});
