// One line of a benchmark's table and JSON file.
export interface BenchRow {
  metric: string;
  value: number | string;
  unit: string;
  target?: string;
  verdict?: 'met' | 'missed' | '';
}
